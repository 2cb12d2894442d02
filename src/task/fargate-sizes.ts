export const FARGATE_SIZES_PAGE =
  "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size";

/**
 * Task sizes Fargate accepts (Linux), from "Amazon ECS task definition differences for Fargate",
 * FARGATE_SIZES_PAGE. CPU in units (1024 = 1 vCPU), memory in MiB.
 */
const MEMORY_RANGES: Record<number, { from: number; to: number; step: number }[]> = {
  256: [{ from: 512, to: 512, step: 512 }, { from: 1024, to: 2048, step: 1024 }],
  512: [{ from: 1024, to: 4096, step: 1024 }],
  1024: [{ from: 2048, to: 8192, step: 1024 }],
  2048: [{ from: 4096, to: 16384, step: 1024 }],
  4096: [{ from: 8192, to: 30720, step: 1024 }],
  8192: [{ from: 16384, to: 61440, step: 4096 }],
  16384: [{ from: 32768, to: 122880, step: 8192 }],
};

export interface FargateSize {
  readonly cpu: number;
  readonly memory: number;
}

export const FARGATE_SIZES: FargateSize[] = Object.entries(MEMORY_RANGES).flatMap(([cpu, ranges]) =>
  ranges.flatMap(({ from, to, step }) =>
    Array.from({ length: (to - from) / step + 1 }, (_, i) => ({ cpu: Number(cpu), memory: from + i * step })),
  ),
);

export function isFargateSize(size: FargateSize): boolean {
  return FARGATE_SIZES.some(({ cpu, memory }) => cpu === size.cpu && memory === size.memory);
}

/** The valid sizes closest to `size`, measured in relative CPU and memory difference. */
export function nearestFargateSizes(size: FargateSize, count = 3): FargateSize[] {
  const distance = (candidate: FargateSize) =>
    Math.abs(Math.log2(candidate.cpu / size.cpu)) + Math.abs(Math.log2(candidate.memory / size.memory));
  return [...FARGATE_SIZES].sort((a, b) => distance(a) - distance(b)).slice(0, count);
}
