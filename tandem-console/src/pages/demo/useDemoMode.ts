import { useEffect, useState } from 'react';
import { api } from '../../api';
import type { DemoInfo } from './types';

/**
 * Whether the server runs as `tandem demo` (GET /demo): the navigation shows the Demo page only then. Any failure
 * (an older server without the route) counts as off, so the rest of the console is unaffected.
 */
export function useDemoMode(signedIn: boolean): boolean {
  const [on, setOn] = useState(false);
  useEffect(() => {
    if (!signedIn) {
      setOn(false);
      return undefined;
    }
    let alive = true;
    api<DemoInfo>('GET', '/demo').then((d) => alive && setOn(d?.enabled === true), () => alive && setOn(false));
    return () => {
      alive = false;
    };
  }, [signedIn]);
  return on;
}
