// /v1/teams: admins create, rename and delete teams and put devices in them; role grants are scoped by them.
import type { Client } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { Team } from '../core/db/core/team.table.js';
import { recordAudit } from './audit.repository.js';
import { deviceOr404 } from './device.routes.js';
import { readJson } from './json-body.js';
import { errorBody } from './openapi.js';
import {
  addDeviceToTeam,
  deleteTeam,
  findTeam,
  insertTeam,
  listTeams,
  removeDeviceFromTeam,
  renameTeam,
  setTeamAttestation,
  setTeamRevealApproval,
} from './team.repository.js';
import { defineRoute, type AdminRoute } from './define-route.js';
import { tellDevicePolicies } from './policy/tell-device-policies.js';

const teamBody = z.strictObject({ name: z.string().trim().min(1).max(200).describe('Unique team name.') });
const attestationBody = z.strictObject({
  required: z
    .boolean()
    .describe(
      "Whether the team's Apple devices enrol and renew only with a hardware-attested ACME identity.",
    ),
});
const revealApprovalBody = z.strictObject({
  required: z
    .boolean()
    .describe(
      "Whether revealing an escrowed secret of the team's devices needs a second admin's approval, even when the global setting is off.",
    ),
});
const teamSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  requireAttestation: z.boolean(),
  requireRevealApproval: z.boolean(),
  createdAt: z.iso.datetime(),
});

function view(team: Team): z.infer<typeof teamSchema> {
  return {
    id: team.id,
    name: team.name,
    requireAttestation: team.require_attestation,
    requireRevealApproval: team.require_reveal_approval,
    createdAt: team.created_at.toISOString(),
  };
}

function nameTaken(name: string): HTTPException {
  return new HTTPException(409, { message: `name: a team named ${JSON.stringify(name)} exists` });
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === '23505';
}

async function teamOr404(db: Kysely<CoreDatabase>, id: string): Promise<Team> {
  const team = await findTeam(db, id);
  if (!team) throw new HTTPException(404, { message: 'id: no such team' });
  return team;
}

const teamParams = { id: 'The team id.' };
const membershipParams = { id: 'The team id.', deviceId: "Keep's device id." };

export function teamRoutes(deps: {
  db: Kysely<CoreDatabase>;
  /** Devices that join or leave a team are told, since policies may be assigned by team. */
  temporal: Client;
  temporalTimeoutMs?: number | undefined;
}): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/teams',
        summary: 'Create a team.',
        permission: 'teams:manage',
        body: teamBody,
        responses: {
          201: { description: 'Created.', schema: teamSchema },
          409: { description: 'The name is taken.', schema: errorBody },
        },
      },
      async (c) => {
        const { name } = await readJson(c, teamBody);
        await recordAudit(deps.db, c.get('principal'), {
          action: 'team.create',
          targetKind: 'team',
          details: { name },
        });
        const team = await insertTeam(deps.db, name);
        if (!team) throw nameTaken(name);
        return c.json(view(team), 201);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/teams',
        summary: 'List teams.',
        permission: 'teams:manage',
        responses: { 200: { description: 'Every team.', schema: z.object({ items: z.array(teamSchema) }) } },
      },
      async (c) => c.json({ items: (await listTeams(deps.db)).map(view) }),
    ),
    defineRoute(
      {
        method: 'patch',
        path: '/v1/teams/{id}',
        summary: 'Rename a team.',
        permission: 'teams:manage',
        params: teamParams,
        body: teamBody,
        responses: {
          200: { description: 'Renamed.', schema: teamSchema },
          404: { description: 'No such team.', schema: errorBody },
          409: { description: 'The name is taken.', schema: errorBody },
        },
      },
      async (c) => {
        const { name } = await readJson(c, teamBody);
        const team = await teamOr404(deps.db, c.req.param('id'));
        await recordAudit(deps.db, c.get('principal'), {
          action: 'team.rename',
          targetKind: 'team',
          targetId: team.id,
          details: { name },
        });
        const renamed = await renameTeam(deps.db, team.id, name).catch((error: unknown) => {
          throw isUniqueViolation(error) ? nameTaken(name) : error;
        });
        if (!renamed) throw new HTTPException(404, { message: 'id: no such team' });
        return c.json(view(renamed));
      },
    ),
    defineRoute(
      {
        method: 'put',
        path: '/v1/teams/{id}/attestation',
        summary:
          "Require (or stop requiring) hardware attestation of the team's Apple device identities: their profiles carry only an attested ACME identity, and SCEP enrolments and renewals for them are refused.",
        permission: 'teams:manage',
        params: teamParams,
        body: attestationBody,
        responses: {
          200: { description: 'Set.', schema: teamSchema },
          404: { description: 'No such team.', schema: errorBody },
        },
      },
      async (c) => {
        const { required } = await readJson(c, attestationBody);
        const team = await teamOr404(deps.db, c.req.param('id'));
        await recordAudit(deps.db, c.get('principal'), {
          action: 'team.attestation',
          targetKind: 'team',
          targetId: team.id,
          details: { required },
        });
        const set = await setTeamAttestation(deps.db, team.id, required);
        if (!set) throw new HTTPException(404, { message: 'id: no such team' });
        return c.json(view(set));
      },
    ),
    defineRoute(
      {
        method: 'put',
        path: '/v1/teams/{id}/reveal-approval',
        summary:
          "Require (or stop requiring) a second admin's approval for every reveal of an escrowed secret of the team's devices, whatever `secretRevealApproval` says (the requester never approves their own).",
        permission: 'teams:manage',
        params: teamParams,
        body: revealApprovalBody,
        responses: {
          200: { description: 'Set.', schema: teamSchema },
          404: { description: 'No such team.', schema: errorBody },
        },
      },
      async (c) => {
        const { required } = await readJson(c, revealApprovalBody);
        const team = await teamOr404(deps.db, c.req.param('id'));
        await recordAudit(deps.db, c.get('principal'), {
          action: 'team.reveal-approval',
          targetKind: 'team',
          targetId: team.id,
          details: { required },
        });
        const set = await setTeamRevealApproval(deps.db, team.id, required);
        if (!set) throw new HTTPException(404, { message: 'id: no such team' });
        return c.json(view(set));
      },
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/v1/teams/{id}',
        summary: 'Delete a team, its device memberships and the grants and tokens scoped to it.',
        permission: 'teams:manage',
        params: teamParams,
        responses: {
          204: { description: 'Deleted.' },
          404: { description: 'No such team.', schema: errorBody },
        },
      },
      async (c) => {
        const team = await teamOr404(deps.db, c.req.param('id'));
        await recordAudit(deps.db, c.get('principal'), {
          action: 'team.delete',
          targetKind: 'team',
          targetId: team.id,
        });
        await deleteTeam(deps.db, team.id);
        return c.body(null, 204);
      },
    ),
    defineRoute(
      {
        method: 'put',
        path: '/v1/teams/{id}/devices/{deviceId}',
        summary: 'Put a device in a team (idempotent); the device reconciles the policies assigned by team.',
        permission: 'teams:manage',
        params: membershipParams,
        responses: {
          204: { description: 'The device is in the team.' },
          404: { description: 'No such team or device.', schema: errorBody },
          503: {
            description: 'Stored, but the device could not be told yet; send it again.',
            schema: errorBody,
          },
        },
      },
      async (c) => {
        const team = await teamOr404(deps.db, c.req.param('id'));
        const device = await deviceOr404(deps.db, c.req.param('deviceId'), 'all');
        await recordAudit(deps.db, c.get('principal'), {
          action: 'team.device.add',
          targetKind: 'device',
          targetId: device.id,
          details: { teamId: team.id },
        });
        await addDeviceToTeam(deps.db, team.id, device.id);
        await tellDevicePolicies(deps, device.id);
        return c.body(null, 204);
      },
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/v1/teams/{id}/devices/{deviceId}',
        summary: 'Take a device out of a team; the device reconciles the policies assigned by team.',
        permission: 'teams:manage',
        params: membershipParams,
        responses: {
          204: { description: 'Removed.' },
          503: {
            description: 'Removed, but the device could not be told yet; send it again.',
            schema: errorBody,
          },
          404: { description: 'No such team or device, or the device is not in it.', schema: errorBody },
        },
      },
      async (c) => {
        const team = await teamOr404(deps.db, c.req.param('id'));
        const device = await deviceOr404(deps.db, c.req.param('deviceId'), 'all');
        await recordAudit(deps.db, c.get('principal'), {
          action: 'team.device.remove',
          targetKind: 'device',
          targetId: device.id,
          details: { teamId: team.id },
        });
        if (!(await removeDeviceFromTeam(deps.db, team.id, device.id))) {
          throw new HTTPException(404, { message: 'deviceId: the device is not in this team' });
        }
        await tellDevicePolicies(deps, device.id);
        return c.body(null, 204);
      },
    ),
  ];
}
