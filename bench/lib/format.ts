export const KIB = 1024;

export const kib = (bytes: number): string => `${(bytes / KIB).toFixed(1)} KiB`;

export const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

export const ratio = (value: number): string => `${value.toFixed(2)}×`;

export const verdict = (pass: boolean | undefined): string => (pass === undefined ? '' : pass ? 'PASS' : 'FAIL');

export const nsToMs = (ns: bigint | number): number => Number(ns) / 1e6;
