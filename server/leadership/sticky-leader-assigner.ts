/**
 * The partition assigner of the leader election: partition 0 of the election topic stays with the
 * member that holds it (each member says so in its join metadata), so a server joining or
 * restarting never takes the lead from a live leader. With no holder, the longest-running member
 * gets it. Every other member gets nothing.
 */
import kafkajs, { type PartitionAssigner } from 'kafkajs';

const { AssignerProtocol } = kafkajs;
export const STICKY_LEADER_ASSIGNER = 'OpsStickyLeader';

/** What a member says when it joins. */
export interface MemberClaim {
  /** It held partition 0 at its last assignment. */
  holding: boolean;
  /** When it joined the election (ms), to prefer long-running servers. */
  since: number;
}

function claimOf(metadata: Buffer): MemberClaim {
  try {
    const { userData } = AssignerProtocol.MemberMetadata.decode(metadata)!;
    const parsed = JSON.parse(userData?.toString() ?? '{}') as Partial<MemberClaim>;
    return { holding: parsed.holding === true, since: typeof parsed.since === 'number' ? parsed.since : Number.MAX_SAFE_INTEGER };
  } catch {
    return { holding: false, since: Number.MAX_SAFE_INTEGER };
  }
}

/** The member ids of a group, in the order the one to lead is picked from. */
export function pickLeader(members: readonly { memberId: string; claim: MemberClaim }[]): string | undefined {
  const ordered = [...members].sort((a, b) => Number(b.claim.holding) - Number(a.claim.holding) || a.claim.since - b.claim.since || a.memberId.localeCompare(b.memberId));
  return ordered[0]?.memberId;
}

/** The assigner; `claim` is read at every join. */
export function stickyLeaderAssigner(claim: () => MemberClaim): PartitionAssigner {
  return () => ({
    name: STICKY_LEADER_ASSIGNER,
    version: 1,
    protocol: ({ topics }) => ({
      name: STICKY_LEADER_ASSIGNER,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.from(JSON.stringify(claim())) }),
    }),
    async assign({ members, topics }) {
      const leader = pickLeader(members.map((m) => ({ memberId: m.memberId, claim: claimOf(m.memberMetadata) })));
      return members.map((m) => ({
        memberId: m.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: m.memberId === leader ? Object.fromEntries(topics.map((t) => [t, [0]])) : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
  });
}
