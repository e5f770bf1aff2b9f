/** Sign-in with an access token: kept in this browser only, sent only to this server. */
import { useState, type FormEvent } from 'react';

export function LoginForm({ message, onSubmit }: { message: string; onSubmit: (token: string) => void }) {
  const [value, setValue] = useState('');
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const token = value.trim();
    if (token) onSubmit(token);
  };
  return (
    <main className="simple-page lead-login">
      <h1>Team lead view</h1>
      <p>Sign in with the access token you were given. It stays in this browser.</p>
      <p className="login-error" role="alert">
        {message}
      </p>
      <form onSubmit={submit} className="login-form">
        <label htmlFor="lead-token">Access token</label>
        <input
          id="lead-token"
          name="token"
          type="password"
          autoComplete="current-password"
          spellCheck={false}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          required
        />
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
