import type { AllocationProblem } from '../../domain/allocation';

/**
 * Every eligible customer × action of a run, as growable typed arrays: the option count is known
 * only after every customer is read, and a million customers × 24 actions must not become 24
 * million objects. Options of negative value stay in: the solver never picks them, but the
 * baselines of the strategy comparison (broadcast, top-K) may.
 */
export class OptionTable {
  public size = 0;
  public value = new Float64Array(1024);
  public cost = new Float64Array(1024);
  /** Estimated P(response | action): what top-K by propensity ranks by. */
  public propensity = new Float64Array(1024);
  /** Estimated P(response | action) − P(response | control). */
  public uplift = new Float64Array(1024);
  public channel = new Int32Array(1024);
  public offer = new Int32Array(1024);
  /** Index into the score stage's actions. */
  public action = new Int32Array(1024);
  /** Length customers + 1 once every customer is closed. */
  private readonly starts: number[] = [0];

  public push(option: {
    value: number;
    cost: number;
    propensity: number;
    uplift: number;
    channel: number;
    offer: number;
    action: number;
  }): void {
    if (this.size === this.value.length) this.grow();
    const at = this.size;
    this.value[at] = option.value;
    this.cost[at] = option.cost;
    this.propensity[at] = option.propensity;
    this.uplift[at] = option.uplift;
    this.channel[at] = option.channel;
    this.offer[at] = option.offer;
    this.action[at] = option.action;
    this.size += 1;
  }

  /** Ends the current customer's options. */
  public closeCustomer(): void {
    this.starts.push(this.size);
  }

  public get customers(): number {
    return this.starts.length - 1;
  }

  public toProblem(
    budget: number,
    channelCapacity: Float64Array,
    offerCapacity: Float64Array,
  ): AllocationProblem {
    return {
      customers: this.customers,
      optionStart: Int32Array.from(this.starts),
      value: this.value.subarray(0, this.size),
      cost: this.cost.subarray(0, this.size),
      channel: this.channel.subarray(0, this.size),
      offer: this.offer.subarray(0, this.size),
      budget,
      channelCapacity,
      offerCapacity,
    };
  }

  private grow(): void {
    const n = this.value.length * 2;
    const float = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const int = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.value = float(this.value);
    this.cost = float(this.cost);
    this.propensity = float(this.propensity);
    this.uplift = float(this.uplift);
    this.channel = int(this.channel);
    this.offer = int(this.offer);
    this.action = int(this.action);
  }
}
