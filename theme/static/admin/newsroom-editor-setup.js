// Loaded before Decap CMS: it must not start on its own, because newsroom-editor.js first
// registers the release file format and widgets the configuration names, then starts it.
window.CMS_MANUAL_INIT = true;
