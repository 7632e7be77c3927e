// Placeholder entry point for the upload page (the real form arrives with the intake issue).
// Browser-only: no Node built-ins. Marks the page as scripted so tests can see the bundle ran.

const status = document.getElementById('status');
if (status !== null) status.dataset.ready = 'true';
document.documentElement.dataset.kua = 'placeholder';
