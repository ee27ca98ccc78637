/** The console: a token bar, then the resource list or one resource's page, chosen by the URL's hash. */
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { ResourceList } from './ResourceList';
import { ResourcePage } from './ResourcePage';
import { listHref, useRoute } from './router';
import { getToken, setToken } from './token';
import './style.css';

function TokenBar() {
  const [value, setValue] = useState(getToken());
  const [saved, setSaved] = useState(Boolean(getToken()));
  return (
    <form
      class="token"
      onSubmit={(ev) => {
        ev.preventDefault();
        setToken(value.trim());
        setSaved(Boolean(value.trim()));
        // Every view reloads with the new identity.
        location.reload();
      }}
    >
      <label>
        Token{' '}
        <input name="token" type="password" value={value} placeholder="none (open api)" autocomplete="off" onInput={(ev) => setValue((ev.target as HTMLInputElement).value)} />
      </label>
      <button type="submit">{saved ? 'Change' : 'Use'}</button>
    </form>
  );
}

function App() {
  const route = useRoute();
  return (
    <>
      <header class="top">
        <h1>
          <a href={listHref('gw_interface')}>ESI console</a>
        </h1>
        <span class="tagline">every change, as it happens</span>
        <TokenBar />
      </header>
      <main>
        {route.page === 'resources' ? (
          <ResourceList type={route.type} params={route.params} />
        ) : (
          <ResourcePage type={route.type} id={route.id} tab={route.tab} />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
