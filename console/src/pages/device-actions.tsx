// A device's actions (Apple): lock, erase with typed confirmation, ask for inventory. Each is offered only to a
// role that holds its permission; the API checks again and audits before the command is queued.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { useCan } from '../session';
import type { DeviceDetail } from '../types';

/** The questions "Send inventory" asks: what the device page shows. */
const INVENTORY_QUERIES = ['DeviceName', 'OSVersion', 'ProductName', 'SerialNumber', 'Model'];

export function DeviceActions(props: { device: DeviceDetail; onSent: () => void }) {
  const can = useCan();
  const [status, setStatus] = useState<string>();
  const [pin, setPin] = useState('');
  const [confirm, setConfirm] = useState('');
  const expected = props.device.serialNumber ?? props.device.id;
  if (props.device.platform !== 'apple') return <p>Actions for this platform are not in the console yet.</p>;

  async function send(requestType: string, parameters: Record<string, unknown>) {
    try {
      const answer = await api<{ commandUuid: string }>('POST', `/v1/devices/${props.device.id}/commands`, {
        requestType,
        parameters,
      });
      setStatus(`${requestType} queued (${answer.commandUuid}).`);
      props.onSent();
    } catch (error) {
      setStatus(`${requestType} refused: ${(error as Error).message}`);
    }
  }
  function lock(event: FormEvent) {
    event.preventDefault();
    void send('DeviceLock', pin ? { pin } : {});
  }
  function erase(event: FormEvent) {
    event.preventDefault();
    void send('EraseDevice', pin ? { pin } : {});
  }

  return (
    <section aria-labelledby="actions-title" className="actions">
      <h2 id="actions-title">Actions</h2>
      {(can('commands:send') || can('commands:send-any')) && (
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
          <form onSubmit={lock}>
            <button type="submit">Lock</button>
          </form>
          <form
            onSubmit={(e) => (
              e.preventDefault(),
              void send('DeviceInformation', { queries: INVENTORY_QUERIES })
            )}
          >
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
