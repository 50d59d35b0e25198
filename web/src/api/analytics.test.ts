import { describe, expect, it } from 'vitest';
import { formatMetric, metricWords } from './analytics';

describe('analytics numbers in words', () => {
  it('writes counts, rates and times by their unit', () => {
    expect(formatMetric(1234567, 'count')).toBe('1,234,567');
    expect(formatMetric(0, 'count')).toBe('0');
    expect(formatMetric(11 / 80, 'ratio')).toBe('13.75%');
    expect(formatMetric(0.1, 'ratio')).toBe('10%');
    expect(formatMetric(1 / 3, 'ratio')).toBe('33.33%');
    expect(formatMetric(3000, 'milliseconds')).toBe('3 s');
    expect(formatMetric(8250, 'milliseconds')).toBe('8.3 s');
    expect(formatMetric(90_000, 'milliseconds')).toBe('1.5 min');
    expect(formatMetric(5_400_000, 'milliseconds')).toBe('1.5 h');
  });

  it('names metrics in words, and any metric the server adds by its own name', () => {
    expect(metricWords('PIN_CLICK_RATE')).toBe('Pin click rate');
    expect(metricWords('VIDEO_MRC_VIEW')).toBe('Video views');
    expect(metricWords('PROFILE_VISIT')).toBe('Profile visit');
  });
});
