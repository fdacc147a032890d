// Settings: each panel only for a role that holds its permission (the API refuses the rest anyway).
import { useCan } from '../session';
import type { Team } from '../types';
import { useApi } from '../use-api';
import { AbmPanel } from './settings-abm-panel';
import { ApiTokensPanel } from './settings-api-tokens-panel';
import { DirectoryPanel } from './settings-directory-panel';
import { ExpiringCertificatesPanel } from './settings-expiring-certificates-panel';
import { OidcPanel } from './settings-oidc-panel';
import { PushCertificatePanel } from './settings-push-certificate-panel';
import { TeamsPanel } from './settings-teams-panel';

/** Any of these opens the settings section. */
export const SETTINGS_PERMISSIONS = [
  'push-certificate:read',
  'certificates:read',
  'teams:manage',
  'grants:manage',
  'tokens:manage',
  'dep:read',
  'settings:read',
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
      {can('dep:read') && <AbmPanel />}
      {can('settings:read') && <OidcPanel />}
      {can('settings:read') && <DirectoryPanel />}
      {can('teams:manage') && <TeamsPanel teams={teamList} onChanged={teams.reload} />}
      {can('tokens:manage') && <ApiTokensPanel teams={teamList} />}
    </>
  );
}
