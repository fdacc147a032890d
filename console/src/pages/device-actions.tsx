// A device's actions: lock (where the platform has one), ask for inventory, erase with typed confirmation. Each is
// offered only to a role that holds its permission; the API checks again and audits before the command is queued.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { useCan } from '../session';
import type { DeviceDetail } from '../types';

/** The questions Apple's "Send inventory" asks: what the device page shows. */
const INVENTORY_QUERIES = ['DeviceName', 'OSVersion', 'ProductName', 'SerialNumber', 'Model'];

/** Each platform's command bodies, as POST /v1/devices/{id}/commands (and POST /v1/commands) take them. */
export interface PlatformActions {
  /** A PIN goes with lock and erase (a Mac needs one). */
  pin: boolean;
  lock?: (pin: string) => Record<string, unknown>;
  inventory: () => Record<string, unknown>;
  erase: (pin: string) => Record<string, unknown>;
}

const withPin = (pin: string) => (pin ? { pin } : {});
export const ACTIONS: Record<string, PlatformActions> = {
  apple: {
    pin: true,
    lock: (pin) => ({ requestType: 'DeviceLock', parameters: withPin(pin) }),
    inventory: () => ({ requestType: 'DeviceInformation', parameters: { queries: INVENTORY_QUERIES } }),
    erase: (pin) => ({ requestType: 'EraseDevice', parameters: withPin(pin) }),
  },
  // Windows has no remote lock CSP Keep sends; RemoteWipe keeps the provisioning data so the PC can re-enrol.
  windows: {
    pin: false,
    inventory: () => ({ command: 'Inventory' }),
    erase: () => ({ command: 'RemoteWipe' }),
  },
};

export function DeviceActions(props: { device: DeviceDetail; onSent: () => void }) {
  const can = useCan();
  const [status, setStatus] = useState<string>();
  const [pin, setPin] = useState('');
  const [confirm, setConfirm] = useState('');
  const expected = props.device.serialNumber ?? props.device.id;
  const actions = ACTIONS[props.device.platform];
  if (!actions) return <p>Actions for this platform are not in the console yet.</p>;

  async function send(body: Record<string, unknown>) {
    const name = String(body.requestType ?? body.command);
    try {
      const answer = await api<{ commandUuid: string }>(
        'POST',
        `/v1/devices/${props.device.id}/commands`,
        body,
      );
      setStatus(`${name} queued (${answer.commandUuid}).`);
      props.onSent();
    } catch (error) {
      setStatus(`${name} refused: ${(error as Error).message}`);
    }
  }
  const { lock } = actions;
  function erase(event: FormEvent) {
    event.preventDefault();
    void send(actions!.erase(pin));
  }

  return (
    <section aria-labelledby="actions-title" className="actions">
      <h2 id="actions-title">Actions</h2>
      {actions.pin && (can('commands:send') || can('commands:send-any')) && (
        <div className="field">
          <label htmlFor="action-pin">PIN (6 digits; a Mac needs one to lock or erase)</label>
          <input
            id="action-pin"
            inputMode="numeric"
            autoComplete="off"
            pattern="[0-9]{6}"
            value={pin}
            onChange={(e) => setPin(e.target.value)}
          />
        </div>
      )}
      {can('commands:send') && (
        <>
          {lock && (
            <form onSubmit={(e) => (e.preventDefault(), void send(lock(pin)))}>
              <button type="submit">Lock</button>
            </form>
          )}
          <form onSubmit={(e) => (e.preventDefault(), void send(actions.inventory()))}>
            <button type="submit">Send inventory</button>
          </form>
        </>
      )}
      {can('commands:send-any') && (
        <form onSubmit={erase} className="danger">
          <label htmlFor="erase-confirm">
            To erase this device, type its serial number <strong>{expected}</strong>
          </label>
          <input
            id="erase-confirm"
            autoComplete="off"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
          />
          <button type="submit" disabled={confirm !== expected}>
            Erase device
          </button>
        </form>
      )}
      {status && <p role="status">{status}</p>}
    </section>
  );
}
