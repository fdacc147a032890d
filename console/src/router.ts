// Client-side navigation under /console/: the admin process answers every /console/ path with the page.
import { useEffect, useState } from 'react';

export const BASE = '/console';

export function navigate(path: string): void {
  window.history.pushState(null, '', `${BASE}${path}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The path below /console, e.g. `/devices/<id>`, and the search string; both follow back and forward. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const read = () => ({
    path: window.location.pathname.slice(BASE.length) || '/',
    search: new URLSearchParams(window.location.search),
  });
  const [location, setLocation] = useState(read);
  useEffect(() => {
    const onPop = () => setLocation(read());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return location;
}
