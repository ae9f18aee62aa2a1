// Says on the page why a security key or passkey did not work. allauth's WebAuthn script only logs
// the browser's error to the console, so without this a click on "Add" or "Use a security key" that
// fails (cancelled, timed out, a site opened by IP address) looks like a button that does nothing.
(function () {
  'use strict';

  var EXPLANATIONS = {
    NotAllowedError: 'The security key did not answer: it was cancelled or timed out. Try again, or use another way to sign in.',
    SecurityError: 'This browser offers security keys only on https:// addresses and on localhost, never on an IP address such as 127.0.0.1. Open the site by its name and try again.',
    InvalidStateError: 'This security key is already registered to your account.',
    NotSupportedError: 'This browser or device has no security key or passkey to offer.'
  };

  function explain(exception) {
    var name = exception && exception.name;
    return EXPLANATIONS[name] || 'The security key could not be used' + (name ? ' (' + name + ')' : '') + '. Try again, or use another way to sign in.';
  }

  document.addEventListener('allauth.error', function (event) {
    var tags = (event.detail && event.detail.tags) || [];
    if (tags.indexOf('webauthn') === -1) return;
    event.preventDefault();
    var region = document.querySelector('.messages-region');
    if (!region) return;
    var list = region.querySelector('ul.messages');
    if (!list) {
      list = document.createElement('ul');
      list.className = 'messages';
      region.appendChild(list);
    }
    var item = document.createElement('li');
    item.className = 'message message-error';
    item.setAttribute('role', 'alert');
    item.textContent = explain(event.detail.exception);
    list.replaceChildren(item);
  });
})();
