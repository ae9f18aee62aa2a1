"""What a call that may refuse its input did, for properties of the form "accepts it or refuses it clearly"."""


def refusal(call, *args, error: type[Exception]) -> str | None:
    """The message of the ``error`` that ``call(*args)`` raised, or None when it accepted the input.

    Any other exception propagates and fails the property.
    """
    try:
        call(*args)
    except error as exc:
        return str(exc)
    return None
