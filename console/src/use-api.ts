// Loads an admin API answer for a page, again when its path changes or when asked (after an action, or polling).
import { useCallback, useEffect, useState } from 'react';
import { api } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  reload: () => void;
}

export function useApi<T>(path: string | undefined, pollMs?: number): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    if (!path) return;
    let live = true;
    api<T>('GET', path).then(
      (answer) => {
        if (!live) return;
        setData(answer);
        setError(undefined);
      },
      (failure: Error) => live && setError(failure.message),
    );
    return () => {
      live = false;
    };
  }, [path, tick]);
  useEffect(() => {
    if (!pollMs) return;
    const timer = window.setInterval(reload, pollMs);
    return () => window.clearInterval(timer);
  }, [pollMs, reload]);
  return { data, error, reload };
}
