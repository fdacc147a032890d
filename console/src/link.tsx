// An in-console link: a real <a href> (keyboard, middle-click, copy link) that navigates without a reload.
import type { ReactNode } from 'react';
import { BASE, navigate } from './router';

export function Link(props: { to: string; children: ReactNode; current?: boolean }) {
  return (
    <a
      href={`${BASE}${props.to}`}
      aria-current={props.current ? 'page' : undefined}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}
