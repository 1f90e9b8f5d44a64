/** Python's round(): halves go to the even neighbour (Emissary normalises weights with it). */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  // Float noise: treat values within 1e-9 of .5 as exact halves.
  if (Math.abs(diff - 0.5) < 1e-9) return floor % 2 === 0 ? floor : floor + 1;
  return diff < 0.5 ? floor : floor + 1;
}
