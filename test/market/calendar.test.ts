import { describe, expect, it } from 'vitest';
import {
  barEndMinutes,
  barsPerDay,
  dayNumber,
  formatMinute,
  isoDate,
  isTradingDay,
  lastTradingDayIso,
  listedContracts,
  listingDay,
  nextTradingDay,
  onBarGrid,
  parseContract,
  specFor,
  tradingDateOfStamp,
  shanghaiWallClock,
} from '../../src/market/index.js';

describe('trading calendar', () => {
  it('round-trips ISO dates through day numbers and rejects impossible dates', () => {
    expect(isoDate(dayNumber('2025-01-03'))).toBe('2025-01-03');
    expect(() => dayNumber('2025-02-30')).toThrow(/no such date/);
    expect(() => dayNumber('20250103')).toThrow(/not an ISO date/);
  });

  it('closes on weekends and on exchange holidays, and skips a holiday gap', () => {
    expect(isTradingDay(dayNumber('2025-01-04'))).toBe(false); // Saturday
    expect(isTradingDay(dayNumber('2025-01-01'))).toBe(false); // New Year
    expect(isTradingDay(dayNumber('2025-01-02'))).toBe(true);
    // Spring Festival 2025: last day before is 2025-01-27, trading resumes 2025-02-05
    expect(isoDate(nextTradingDay(dayNumber('2025-01-27')))).toBe('2025-02-05');
  });
});

describe('contracts', () => {
  it('parses contract codes in the layouts vendors use', () => {
    expect(parseContract('T2503')).toMatchObject({ product: 'T', year: 2025, month: 3 });
    expect(parseContract('ts2412.CFX')).toMatchObject({ code: 'TS2412', product: 'TS' });
    expect(parseContract('TL2306.CCFX')?.code).toBe('TL2306');
    expect(parseContract('T2502')).toBeNull(); // February is not a delivery month
    expect(parseContract('IF2503')).toBeNull();
  });

  it('puts the last trading day on the second Friday, or the next trading day after a holiday', () => {
    expect(lastTradingDayIso('T2503')).toBe('2025-03-14');
    expect(lastTradingDayIso('TS2412')).toBe('2024-12-13');
    expect(lastTradingDayIso('TL2306')).toBe('2023-06-09');
    expect(lastTradingDayIso('T1606')).toBe('2016-06-13'); // 2016-06-10 Dragon Boat
    expect(lastTradingDayIso('TF1909')).toBe('2019-09-16'); // 2019-09-13 Mid-Autumn
  });

  it('lists three quarterly contracts and a new one the day after an expiry', () => {
    expect(listedContracts('T', dayNumber('2025-03-14')).map((c) => c.code)).toEqual(['T2503', 'T2506', 'T2509']);
    expect(listedContracts('T', dayNumber('2025-03-17')).map((c) => c.code)).toEqual(['T2506', 'T2509', 'T2512']);
    expect(isoDate(listingDay(parseContract('T2512')!))).toBe('2025-03-17');
    expect(listedContracts('TL', dayNumber('2023-04-20'))).toEqual([]);
    expect(listedContracts('TL', dayNumber('2023-04-21')).map((c) => c.code)).toEqual(['TL2306', 'TL2309', 'TL2312']);
  });
});

describe('specifications by date', () => {
  it('changes tick sizes, limits and the open on their effective dates', () => {
    expect(specFor('TS', '2023-11-06')!.tick).toBe(0.005);
    expect(specFor('TS', '2023-11-07')!.tick).toBe(0.002);
    expect(specFor('TS', '2023-11-07')!.tickValue).toBe(40);
    expect(specFor('TF', '2015-03-16')!.tick).toBe(0.002);
    expect(specFor('TF', '2015-03-17')!.tick).toBe(0.005);
    expect(specFor('TF', '2015-08-27')!.limit).toBe(0.02);
    expect(specFor('TF', '2015-08-28')!.limit).toBe(0.012);
    expect(specFor('T', '2020-07-17')!.sessions[0]!.open).toBe(9 * 60 + 15);
    expect(specFor('T', '2020-07-20')!.sessions[0]!.open).toBe(9 * 60 + 30);
    expect(specFor('TL', '2023-04-20')).toBeNull();
    expect(specFor('TL', '2025-01-02')).toMatchObject({ tick: 0.01, tickValue: 100, limit: 0.035, multiplier: 10_000 });
  });
});

describe('session grid', () => {
  it('has 255 one-minute bars on a normal day, 51 five-minute bars, 270 before 2020-07-20', () => {
    expect(barsPerDay('T', '2025-01-03', 1)).toBe(255);
    expect(barsPerDay('T', '2025-01-03', 5)).toBe(51);
    expect(barsPerDay('T', '2019-01-03', 1)).toBe(270);
    const grid = barEndMinutes(specFor('T', '2025-01-03')!.sessions, 1);
    expect(formatMinute(grid[0]!)).toBe('09:31');
    expect(formatMinute(grid[119]!)).toBe('11:30');
    expect(formatMinute(grid[120]!)).toBe('13:01');
    expect(formatMinute(grid[254]!)).toBe('15:15');
  });

  it('has a morning-only short session on a contract\'s last day', () => {
    expect(barsPerDay('T', '2025-03-14', 1, true)).toBe(120);
    expect(barsPerDay('T', '2025-03-14', 5, true)).toBe(24);
  });

  it('accepts 15:15 as the last stamp and rejects 15:16 and 09:30', () => {
    const s = specFor('T', '2025-01-03')!.sessions;
    expect(onBarGrid(15 * 60 + 15, s, 1)).toBe(true);
    expect(onBarGrid(15 * 60 + 16, s, 1)).toBe(false);
    expect(onBarGrid(9 * 60 + 30, s, 1)).toBe(false);
    expect(onBarGrid(9 * 60 + 33, s, 5)).toBe(false);
  });

  it('maps instants and stamps to Asia/Shanghai trading dates', () => {
    expect(shanghaiWallClock(Date.UTC(2025, 0, 3, 7, 15))).toBe('2025-01-03 15:15');
    expect(tradingDateOfStamp('2025-01-03 15:15')).toBe('2025-01-03');
  });
});
