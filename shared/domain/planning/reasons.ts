/** Reason codes a marketer can read, from the figures behind one recommendation. */
export function reasonCodes(input: {
  segment: string;
  pTreated: number;
  pControl: number;
  value: number;
  cost: number;
  shadowPrice: number;
  /** The customer's values of the inputs that move the model's uplift most, against the population's median. */
  drivers?: readonly { feature: string; value: number; median: number }[];
}): string[] {
  // Rounded first, so a tiny negative uplift does not print as "-0.0".
  const uplift = Math.round((input.pTreated - input.pControl) * 1000) / 10 || 0;
  return [
    `segment: ${input.segment}`,
    `uplift: ${uplift >= 0 ? '+' : ''}${uplift.toFixed(1)} points (${(input.pControl * 100).toFixed(1)}% → ${(input.pTreated * 100).toFixed(1)}%)`,
    `expected profit ${input.value.toFixed(2)} for a spend of ${input.cost.toFixed(2)}`,
    input.shadowPrice > 0
      ? `beat the budget's price of ${input.shadowPrice.toFixed(3)} per unit of spend`
      : 'the budget had room for every profitable contact',
    ...(input.drivers && input.drivers.length > 0
      ? [
          `drivers: ${input.drivers
            .map((d) => `${d.feature} ${formatDriver(d.value)} (median ${formatDriver(d.median)})`)
            .join('; ')}`,
        ]
      : []),
  ];
}

const formatDriver = (x: number): string =>
  Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(3)));
