/**
 * The wall's sound (opt-in with `?sound=1`): a tone and a brief flash of the banner row when an
 * alert starts firing, again every `?sound_repeat=` seconds (default 120) while it fires
 * unacknowledged. Browsers keep audio locked until a gesture, so the wall tries to start audio at
 * load (a kiosk started with `--autoplay-policy=no-user-gesture-required` succeeds) and shows an
 * "Enable sound" button only while it stays locked. Without `?sound=1`: no sound and no flash.
 */
import { useCallback, useEffect, useState } from 'react';
import { decideAlertSounds, parseSoundOptions, playTone, type SoundMemory } from '../alert-sound';
import { useOpsStore } from '../store';
import { isTestPage } from '../test-hook';
import './alert-sound.css';

/** How long a row flashes (the CSS animation's length). */
const FLASH_MS = 4000;

/** `off`: not asked for (or no Web Audio); `locked`: waits for a gesture; `on`: plays. */
export type SoundState = 'off' | 'locked' | 'on';

export interface AlertSound {
  state: SoundState;
  /** Unlocks audio; call from a click. */
  enable(): void;
  /** Alert ids flashing now. */
  flashing: ReadonlySet<string>;
}

declare global {
  interface Window {
    /** `?test` pages: the alert ids sounded, in order (the browser test counts them). */
    __occSoundPlays?: string[];
  }
}

/** Sound and flash for the wall; `search` is the page's query string. */
export function useAlertSound(search: string): AlertSound {
  const { enabled, repeatMs } = parseSoundOptions(search);
  const ctx = useAudioContext(enabled);
  const [state, setState] = useState<SoundState>('off');
  const [flashing, setFlashing] = useState<ReadonlySet<string>>(new Set());
  const store = useOpsStore();

  useEffect(() => {
    if (!ctx) return setState('off');
    const follow = (): void => setState(ctx.state === 'running' ? 'on' : 'locked');
    follow();
    ctx.addEventListener('statechange', follow);
    return () => ctx.removeEventListener('statechange', follow);
  }, [ctx]);

  // NOTE: reads the store on each of its changes (alerts, and the clock once a second, which is
  // what repeats need) without re-rendering the wall every tick: only the flash state re-renders.
  // Audio turning on starts afresh, so what fires at that moment sounds at once.
  useEffect(() => {
    if (!enabled) return;
    let memory: SoundMemory = {};
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const check = (): void => {
      const { alerts, now } = store.getState();
      const decision = decideAlertSounds(memory, alerts, now, repeatMs);
      memory = decision.memory;
      const play = decision.play;
      if (play.length === 0) return;
      if (ctx?.state === 'running') {
        playTone(ctx);
        if (isTestPage()) (window.__occSoundPlays ??= []).push(...play);
      }
      setFlashing((old) => new Set([...old, ...play]));
      const timer = setTimeout(() => {
        timers.delete(timer);
        setFlashing((old) => new Set([...old].filter((id) => !play.includes(id))));
      }, FLASH_MS);
      timers.add(timer);
    };
    check();
    const unsubscribe = store.subscribe(check);
    return () => {
      unsubscribe();
      timers.forEach(clearTimeout);
    };
  }, [enabled, ctx, state, store, repeatMs]);

  const enable = useCallback(() => void ctx?.resume().catch(() => {}), [ctx]);
  return { state, enable, flashing };
}

/** One AudioContext while sound is asked for, started at once (kiosk) or left for a gesture. */
function useAudioContext(enabled: boolean): AudioContext | null {
  const [ctx, setCtx] = useState<AudioContext | null>(null);
  useEffect(() => {
    if (!enabled || typeof AudioContext === 'undefined') return;
    const created = new AudioContext();
    // TRICKY: without a gesture Chromium leaves this promise pending; the state says what happened.
    created.resume().catch(() => {});
    setCtx(created);
    return () => {
      setCtx(null);
      void created.close().catch(() => {});
    };
  }, [enabled]);
  return ctx;
}

/** The button while audio is locked, a small "sound on" mark once it plays; nothing when off. */
export function SoundControl({ sound }: { sound: AlertSound }) {
  if (sound.state === 'off') return null;
  if (sound.state === 'on')
    return (
      <p className="sound-mark" data-testid="sound-on" aria-label="Alert sound on">
        ♪ sound on
      </p>
    );
  return (
    <button type="button" className="sound-enable" data-testid="sound-enable" onClick={sound.enable}>
      Enable sound
    </button>
  );
}
