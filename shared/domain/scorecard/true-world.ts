import type { TruthRecord } from './truth-file';

/**
 * An action the campaign may take: an offer at a discount level, on a channel, in a send window,
 * with the business's economics.
 */
export interface ScorecardArm {
  readonly key: string;
  readonly offerId: string;
  readonly channelId: string;
  readonly offerKind: string;
  readonly discountPct: number;
  /** Whether discountPct is the offer's default level, the one a plan that names no level sends. */
  readonly defaultLevel: boolean;
  /** `HH:MM` of the send, or `any`; a plan that names no window sends in the channel's first. */
  readonly window: string;
  /** Margin earned on a response's revenue. */
  readonly marginRate: number;
  readonly contactCost: number;
}

/** The campaign every strategy is judged under: what it may do, its budget and capacities. */
export interface CampaignTerms {
  /** The arm of a truth key, or undefined when the campaign cannot take that action. */
  readonly resolveArm: (key: string) => ScorecardArm | undefined;
  readonly budget: number;
  /** Max customers per channel, by channel id; absent = unlimited. */
  readonly channelCapacity: ReadonlyMap<string, number>;
  /** Max customers per offer, by offer id; absent = unlimited. */
  readonly offerCapacity: ReadonlyMap<string, number>;
}

/**
 * A synthetic world's truth in flat arrays: per customer the planted p_control, response value and
 * the signals baselines rank by; per customer × action the planted p_treated. An action is a
 * customer's arm; `actionStart[i]..actionStart[i+1]` are customer i's.
 */
export interface TrueWorld {
  readonly terms: CampaignTerms;
  /** The actions the truth holds that the campaign can take. */
  readonly arms: readonly ScorecardArm[];
  readonly customerIds: readonly string[];
  readonly customerIndex: ReadonlyMap<string, number>;
  readonly pControl: Float64Array;
  readonly value: Float64Array;
  /** Infinity when the customer never bought. */
  readonly recencyDays: Float64Array;
  readonly frequency: Float64Array;
  readonly monetary: Float64Array;
  readonly churn90: Float64Array;
  readonly value180: Float64Array;
  readonly actionStart: Int32Array;
  /** Per action: index into arms. */
  readonly actionArm: Int32Array;
  readonly pTreated: Float64Array;
  /** Truth arms the campaign terms do not offer (e.g. an offer no longer valid), left out. */
  readonly unknownArms: readonly string[];
}

/** What one action is truly worth, by the planted model. */
export interface TrueOutcome {
  readonly incrementalConversions: number;
  readonly incrementalRevenue: number;
  /** Uplift × revenue × margin − the discount every redeemer is paid − the contact cost. */
  readonly profit: number;
  /** Contact cost plus the expected discount paid: what counts against the budget. */
  readonly spend: number;
}

export function trueOutcome(world: TrueWorld, customer: number, action: number): TrueOutcome {
  const arm = world.arms[world.actionArm[action] as number] as ScorecardArm;
  const pTreated = world.pTreated[action] as number;
  const value = world.value[customer] as number;
  const uplift = pTreated - (world.pControl[customer] as number);
  const discount = pTreated * (arm.discountPct / 100) * value;
  return {
    incrementalConversions: uplift,
    incrementalRevenue: uplift * value,
    profit: uplift * value * arm.marginRate - discount - arm.contactCost,
    spend: arm.contactCost + discount,
  };
}

/**
 * Builds the world one truth record at a time, so a truth file of millions of customers streams
 * into flat arrays without holding its records. `population` keeps only the customers a plan may
 * contact (e.g. leaving out the run's holdout group).
 */
export class TrueWorldBuilder {
  private readonly armIndex = new Map<string, number>();
  private readonly arms: ScorecardArm[] = [];
  private readonly unknownArms = new Set<string>();
  private readonly ids: string[] = [];
  private readonly columns = {
    pControl: [] as number[],
    value: [] as number[],
    recency: [] as number[],
    frequency: [] as number[],
    monetary: [] as number[],
    churn: [] as number[],
    value180: [] as number[],
  };
  private readonly actionStart: number[] = [0];
  private readonly actionArm: number[] = [];
  private readonly pTreated: number[] = [];

  public constructor(
    private readonly terms: CampaignTerms,
    private readonly population?: (customerId: string) => boolean,
  ) {}

  private armOf(key: string): number | undefined {
    const known = this.armIndex.get(key);
    if (known !== undefined || this.unknownArms.has(key)) return known;
    const arm = this.terms.resolveArm(key);
    if (!arm) {
      this.unknownArms.add(key);
      return undefined;
    }
    this.arms.push(arm);
    this.armIndex.set(key, this.arms.length - 1);
    return this.arms.length - 1;
  }

  public add(r: TruthRecord): void {
    if (this.population && !this.population(r.customer_id)) return;
    const c = this.columns;
    this.ids.push(r.customer_id);
    c.pControl.push(r.p_control);
    c.value.push(r.value_of_response);
    c.recency.push(r.recency_days ?? Number.POSITIVE_INFINITY);
    c.frequency.push(r.frequency_365);
    c.monetary.push(r.monetary_365);
    c.churn.push(r.churn_90d);
    c.value180.push(r.value_180d);
    for (const [key, p] of Object.entries(r.arms)) {
      const arm = this.armOf(key);
      if (arm === undefined) continue;
      this.actionArm.push(arm);
      this.pTreated.push(p);
    }
    this.actionStart.push(this.actionArm.length);
  }

  public build(): TrueWorld {
    const { ids, columns: c } = this;
    const customerIndex = new Map(ids.map((id, i) => [id, i]));
    if (customerIndex.size !== ids.length) throw new Error('the truth file lists a customer twice');
    return {
      terms: this.terms,
      arms: this.arms,
      customerIds: ids,
      customerIndex,
      pControl: Float64Array.from(c.pControl),
      value: Float64Array.from(c.value),
      recencyDays: Float64Array.from(c.recency),
      frequency: Float64Array.from(c.frequency),
      monetary: Float64Array.from(c.monetary),
      churn90: Float64Array.from(c.churn),
      value180: Float64Array.from(c.value180),
      actionStart: Int32Array.from(this.actionStart),
      actionArm: Int32Array.from(this.actionArm),
      pTreated: Float64Array.from(this.pTreated),
      unknownArms: [...this.unknownArms].sort(),
    };
  }
}

export function buildTrueWorld(
  records: Iterable<TruthRecord>,
  terms: CampaignTerms,
  population?: (customerId: string) => boolean,
): TrueWorld {
  const builder = new TrueWorldBuilder(terms, population);
  for (const r of records) builder.add(r);
  return builder.build();
}

/** The action of `customer` on the arm `key`, or -1 when the customer cannot receive it. */
export function actionOf(world: TrueWorld, customer: number, key: string): number {
  const end = world.actionStart[customer + 1] as number;
  for (let a = world.actionStart[customer] as number; a < end; a++) {
    if (world.arms[world.actionArm[a] as number]?.key === key) return a;
  }
  return -1;
}

/**
 * The action a plan that names an offer and a channel sends: at `discountPct` (the offer's
 * default level when not given), in `window` when the truth holds that window for the channel,
 * else in the channel's first send window. -1 when there is none.
 */
export function plannedActionOf(
  world: TrueWorld,
  customer: number,
  plan: {
    readonly offerId: string;
    readonly channelId: string;
    readonly discountPct?: number;
    readonly window?: string;
  },
): number {
  let best = -1;
  let bestWindow = '';
  const end = world.actionStart[customer + 1] as number;
  for (let a = world.actionStart[customer] as number; a < end; a++) {
    const arm = world.arms[world.actionArm[a] as number];
    if (!arm || arm.offerId !== plan.offerId || arm.channelId !== plan.channelId) continue;
    if (plan.discountPct === undefined ? !arm.defaultLevel : arm.discountPct !== plan.discountPct) continue;
    if (plan.window !== undefined && arm.window === plan.window) return a;
    if (best < 0 || arm.window < bestWindow) {
      best = a;
      bestWindow = arm.window;
    }
  }
  return best;
}

/** Terms over a fixed list of arms, e.g. for a world built in code. */
export function termsOfArms(
  arms: readonly ScorecardArm[],
  limits: Omit<CampaignTerms, 'resolveArm'>,
): CampaignTerms {
  const byKey = new Map(arms.map((a) => [a.key, a]));
  return { ...limits, resolveArm: (key) => byKey.get(key) };
}
