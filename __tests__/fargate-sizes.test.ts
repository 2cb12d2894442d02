import { FARGATE_SIZES, FARGATE_SIZES_PAGE, FargateSize, isFargateSize, nearestFargateSizes } from "../src";

/** from, from + step, … to */
function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

/**
 * The Linux rows of the table at FARGATE_SIZES_PAGE ("Task CPU and memory"), written out from the
 * page: CPU units → memory values in MiB.
 */
const AWS_TABLE: [number, number[]][] = [
  [256, [512, 1024, 2048]],
  [512, [1024, 2048, 3072, 4096]],
  [1024, [2048, 3072, 4096, 5120, 6144, 7168, 8192]],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, [16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440]],
  [16384, [32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880]],
];
const AWS_SIZES: FargateSize[] = AWS_TABLE.flatMap(([cpu, memories]) => memories.map((memory) => ({ cpu, memory })));

const sizeName = ({ cpu, memory }: FargateSize) => `${cpu}/${memory}`;

describe("FARGATE_SIZES", () => {
  test("is exactly the AWS table, row by row, with no size missing or extra", () => {
    expect(FARGATE_SIZES).toEqual(AWS_SIZES);
  });

  test("has 74 sizes: 3 + 4 + 7 + 13 + 23 + 12 + 12", () => {
    expect(AWS_TABLE.map(([, memories]) => memories.length)).toEqual([3, 4, 7, 13, 23, 12, 12]);
    expect(FARGATE_SIZES).toHaveLength(74);
  });

  test.each(AWS_TABLE)("row %d goes from its first to its last memory value", (cpu, memories) => {
    const row = FARGATE_SIZES.filter((size) => size.cpu === cpu).map((size) => size.memory);
    expect(row).toEqual(memories);
  });

  test("points at the AWS page of the table", () => {
    expect(FARGATE_SIZES_PAGE).toBe(
      "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size",
    );
  });
});

describe("isFargateSize", () => {
  test.each(AWS_SIZES.map((size) => [sizeName(size), size] as const))("accepts %s", (_, size) => {
    expect(isFargateSize(size)).toBe(true);
  });

  test.each([
    [256, 256],
    [256, 1536],
    [256, 3072],
    [256, 4096],
    [512, 512],
    [512, 1536],
    [512, 5120],
    [1024, 1024],
    [1024, 9216],
    [2048, 3072],
    [2048, 4608],
    [2048, 17408],
    [4096, 7168],
    [4096, 31744],
    [8192, 18432],
    [8192, 17408],
    [8192, 65536],
    [16384, 36864],
    [16384, 24576],
    [16384, 131072],
    [128, 512],
    [768, 2048],
    [3072, 8192],
    [32768, 65536],
    [0, 0],
  ])("refuses cpu %d / memory %d", (cpu, memory) => {
    expect(isFargateSize({ cpu, memory })).toBe(false);
  });
});

describe("nearestFargateSizes", () => {
  test("returns 3 sizes by default, the size itself first when it is valid", () => {
    const nearest = nearestFargateSizes({ cpu: 1024, memory: 4096 });
    expect(nearest).toHaveLength(3);
    expect(nearest[0]).toEqual({ cpu: 1024, memory: 4096 });
  });

  test("count sets how many sizes come back", () => {
    expect(nearestFargateSizes({ cpu: 300, memory: 700 }, 1)).toEqual([{ cpu: 256, memory: 512 }]);
    expect(nearestFargateSizes({ cpu: 300, memory: 700 }, 5)).toHaveLength(5);
  });

  test("between sizes: the closest in relative CPU and memory difference, closest first", () => {
    expect(nearestFargateSizes({ cpu: 300, memory: 700 })).toEqual([
      { cpu: 256, memory: 512 },
      { cpu: 256, memory: 1024 },
      { cpu: 512, memory: 1024 },
    ]);
  });

  test("memory between two steps of a row: both neighbours of the row first", () => {
    expect(nearestFargateSizes({ cpu: 8192, memory: 18432 })).toEqual([
      { cpu: 8192, memory: 20480 },
      { cpu: 8192, memory: 16384 },
      { cpu: 8192, memory: 24576 },
    ]);
  });

  test("memory above the table: the largest sizes of the row", () => {
    expect(nearestFargateSizes({ cpu: 16384, memory: 131072 })).toEqual([
      { cpu: 16384, memory: 122880 },
      { cpu: 16384, memory: 114688 },
      { cpu: 16384, memory: 106496 },
    ]);
  });

  test("too much memory for the CPU: the row's largest memory, or the same memory with more CPU, first", () => {
    expect(nearestFargateSizes({ cpu: 256, memory: 4096 })).toEqual([
      { cpu: 256, memory: 2048 },
      { cpu: 512, memory: 4096 },
      { cpu: 512, memory: 3072 },
    ]);
  });

  test("always suggests valid sizes", () => {
    for (const size of [
      { cpu: 100, memory: 100 },
      { cpu: 3000, memory: 9000 },
      { cpu: 50000, memory: 500000 },
    ]) {
      const nearest = nearestFargateSizes(size);
      expect(nearest).toHaveLength(3);
      nearest.forEach((candidate) => expect(isFargateSize(candidate)).toBe(true));
    }
  });

  test("does not reorder FARGATE_SIZES", () => {
    nearestFargateSizes({ cpu: 16384, memory: 131072 });
    expect(FARGATE_SIZES).toEqual(AWS_SIZES);
  });
});
