// Settings: each panel only for a role that holds its permission (the API refuses the rest anyway).
import { useCan } from '../session';
import type { Team } from '../types';
import { useApi } from '../use-api';
import { ApiTokensPanel } from './settings-api-tokens-panel';
import { ExpiringCertificatesPanel } from './settings-expiring-certificates-panel';
import { PushCertificatePanel } from './settings-push-certificate-panel';
import { TeamsPanel } from './settings-teams-panel';

/** Any of these opens the settings section. */
export const SETTINGS_PERMISSIONS = [
  'push-certificate:read',
  'certificates:read',
  'teams:manage',
  'grants:manage',
  'tokens:manage',
];

export function SettingsPage() {
  const can = useCan();
  const teams = useApi<{ items: Team[] }>(can('teams:manage') ? '/v1/teams' : undefined);
  const teamList = teams.data?.items ?? [];
  return (
    <>
      <h1>Settings</h1>
      {can('push-certificate:read') && <PushCertificatePanel />}
      {can('certificates:read') && <ExpiringCertificatesPanel />}
      {can('teams:manage') && <TeamsPanel teams={teamList} onChanged={teams.reload} />}
      {can('tokens:manage') && <ApiTokensPanel teams={teamList} />}
    </>
  );
}
