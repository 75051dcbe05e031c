/*
 * A decider: the whole behaviour of an aggregate as pure functions. `decide` answers a command
 * with the events it causes (or throws a DomainRuleError); `evolve` folds an event into the state.
 * Time and ids arrive inside commands, never from the environment.
 */

export interface DomainEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
}

export interface Decider<Command, Event extends DomainEvent, State> {
  initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

export function fold<Event extends DomainEvent, State>(decider: Pick<Decider<never, Event, State>, 'evolve' | 'initialState'>, events: readonly Event[]): State {
  return events.reduce(decider.evolve, decider.initialState);
}
