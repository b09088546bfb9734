// The login page: keep where the user was going, and say when the last try failed.
const q = new URLSearchParams(location.search);
document.getElementById('next').value = q.get('next') || '/';
document.getElementById('failed').hidden = q.get('failed') !== '1';
