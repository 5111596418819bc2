// Signs in against leads-service (where it is comes from notify-service's /config.json, as for the
// dashboards), then renders the app inside a LeadlineProvider that owns the connection.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { LeadlineProvider } from '@leadline/client/react';
import { App } from './App.jsx';
import './style.css';

async function signIn(username, password) {
  const config = await (await fetch('/config.json')).json();
  const response = await fetch(config.leads_url.replace(/\/$/, '') + '/api/auth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(response.status === 401 ? 'Wrong username or password' : `Sign-in failed (${response.status})`);
  return (await response.json()).access_token;
}

function SignIn({ onToken }) {
  const [error, setError] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      onToken(await signIn(form.get('username'), form.get('password')));
    } catch (e) {
      setError(e.message);
    }
  };
  return (
    <form className="sign-in" onSubmit={submit}>
      <h1>Sign in</h1>
      <label>Username <input name="username" autoComplete="username" required /></label>
      <label>Password <input name="password" type="password" autoComplete="current-password" required /></label>
      <button type="submit">Sign in</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

function Root() {
  const [token, setToken] = useState(null);
  if (!token) return <SignIn onToken={setToken} />;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  return (
    <LeadlineProvider options={{ url, token }}>
      <App />
    </LeadlineProvider>
  );
}

createRoot(document.getElementById('root')).render(<StrictMode><Root /></StrictMode>);
