import { createCommitGroups, type GroupMember } from '../../src/eventstore/postgres-commit-groups';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Group commit across tenants', () => {
  /** A runner that records each transaction's tenants and answers when told to. */
  function recorder(fail?: (members: GroupMember<string>[]) => Error | undefined) {
    const groups: number[][] = [];
    const gates: ReturnType<typeof deferred>[] = [];
    const run = async (members: GroupMember<string>[]) => {
      groups.push(members.map((m) => m.tenant));
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
      const error = fail?.(members);
      if (error) throw error;
      return members.map((m) => `${m.work}@${m.tenant}`);
    };
    return { groups, gates, run };
  }

  it('When a lane is idle, then a call leaves at once, alone', async () => {
    const r = recorder();
    const groups = createCommitGroups(r.run);
    const answer = groups.submit(0, 1, 7, 'a');
    await tick();
    expect(r.groups).toEqual([[7]]);
    r.gates[0]!.resolve();
    await expect(answer).resolves.toBe('a@7');
  });

  it('When calls arrive while the lane is busy, then they go together in the next transaction, one per tenant, up to the limit', async () => {
    const r = recorder();
    const groups = createCommitGroups(r.run, { maxTenants: 3 });
    const answers = [groups.submit(0, 1, 1, 'a'), groups.submit(0, 1, 2, 'b'), groups.submit(0, 1, 3, 'c'), groups.submit(0, 1, 2, 'd'), groups.submit(0, 1, 4, 'e'), groups.submit(0, 1, 5, 'f')];
    await tick();
    expect(r.groups).toEqual([[1]]);
    r.gates[0]!.resolve();
    await answers[0];
    await tick();
    // Tenant 2's second call waits for the next transaction; the limit keeps 5 out too.
    expect(r.groups[1]).toEqual([2, 3, 4]);
    r.gates[1]!.resolve();
    await tick();
    await tick();
    expect(r.groups[2]).toEqual([2, 5]);
    r.gates[2]!.resolve();
    await expect(Promise.all(answers)).resolves.toEqual(['a@1', 'b@2', 'c@3', 'd@2', 'e@4', 'f@5']);
  });

  it('runs up to `inFlight` transactions of a lane at once, and lanes independently', async () => {
    const r = recorder();
    const groups = createCommitGroups(r.run);
    const answers = [groups.submit(0, 2, 1, 'a'), groups.submit(0, 2, 2, 'b'), groups.submit(0, 2, 3, 'c'), groups.submit(1, 1, 4, 'd')];
    await tick();
    expect(r.groups).toEqual([[1], [2], [4]]);
    for (const gate of r.gates.slice(0, 3)) gate.resolve();
    await tick();
    await tick();
    expect(r.groups[3]).toEqual([3]);
    r.gates[3]!.resolve();
    await expect(Promise.all(answers)).resolves.toEqual(['a@1', 'b@2', 'c@3', 'd@4']);
  });

  it('When a shared transaction fails, then each call runs again alone and only the faulty one fails', async () => {
    const r = recorder((members) => (members.some((m) => m.work === 'bad') ? new Error(`refused: ${members.map((m) => m.tenant).join(',')}`) : undefined));
    const groups = createCommitGroups(r.run);
    const first = groups.submit(0, 1, 1, 'a');
    const others = Promise.allSettled([groups.submit(0, 1, 2, 'b'), groups.submit(0, 1, 3, 'bad'), groups.submit(0, 1, 4, 'c')]);
    await tick();
    r.gates[0]!.resolve();
    await first;
    for (let i = 1; i < 5; i++) {
      await tick();
      await tick();
      r.gates[i]?.resolve();
    }
    const settled = await others;
    expect(r.groups.slice(1)).toEqual([[2, 3, 4], [2], [3], [4]]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled[1]).toMatchObject({ reason: { message: 'refused: 3' } });
  });
});
