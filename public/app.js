/* global window, document, fetch, HTMLFormElement */
// Progressive enhancement: everything here also works as plain links and forms without JavaScript.
(function () {
  'use strict';

  function currentTheme() {
    var explicit = document.documentElement.getAttribute('data-theme');
    if (explicit === 'light' || explicit === 'dark') return explicit;
    return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  function setupThemeToggle() {
    var button = document.querySelector('[data-theme-toggle]');
    if (!button) return;
    var label = function () {
      var next = currentTheme() === 'dark' ? 'light' : 'dark';
      button.setAttribute('aria-label', 'Switch to ' + next + ' theme');
      button.setAttribute('title', 'Switch to ' + next + ' theme');
    };
    button.hidden = false;
    label();
    button.addEventListener('click', function () {
      var next = currentTheme() === 'dark' ? 'light' : 'dark';
      document.documentElement.setAttribute('data-theme', next);
      try {
        window.localStorage.setItem('paperboy-theme', next);
      } catch {
        /* remembered for this page only */
      }
      label();
    });
  }

  function setupVotes() {
    document.addEventListener('submit', function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-vote-form')) return;
      event.preventDefault();
      var button = form.querySelector('button');
      var action = form.querySelector('input[name="action"]');
      var csrf = form.querySelector('input[name="_csrf"]');
      var count = form.querySelector('[data-vote-count]');
      var paperId = form.getAttribute('data-paper-id');
      if (!button || !action || !csrf || !count || !paperId || button.disabled) return;
      button.disabled = true;
      fetch('/api/papers/' + paperId + '/upvote', {
        method: action.value === 'add' ? 'POST' : 'DELETE',
        credentials: 'same-origin',
        headers: { 'X-CSRF-Token': csrf.value, Accept: 'application/json' },
      })
        .then(function (response) {
          if (!response.ok) throw new Error('vote failed with ' + response.status);
          return response.json();
        })
        .then(function (result) {
          count.textContent = Number(result.upvotes).toLocaleString('en-US');
          action.value = result.upvoted ? 'remove' : 'add';
          button.classList.toggle('voted', result.upvoted);
          button.setAttribute('aria-pressed', result.upvoted ? 'true' : 'false');
        })
        .catch(function () {
          form.submit(); // fall back to the plain form post, which reports errors as a page
        })
        .finally(function () {
          button.disabled = false;
        });
    });
  }

  function setupConfirmations() {
    document.addEventListener('submit', function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      if (/\/comments\/\d+\/delete$/.test(form.getAttribute('action') || '') && !window.confirm('Delete this comment?'))
        event.preventDefault();
    });
  }

  setupThemeToggle();
  setupVotes();
  setupConfirmations();
})();
