import { useQuery } from '@tanstack/react-query';
import type { TrajectoryColour } from '@perfcommons/contracts/enums';
import { api } from '../../shared/api';

export const COLOURS: Record<TrajectoryColour, string> = {
  green: '#389e0d',
  yellow: '#d4b106',
  red: '#cf1322',
};
export const TAG_COLOURS: Record<TrajectoryColour, string> = { green: 'green', yellow: 'gold', red: 'red' };

export const useMonitoring = <T>(key: string, cycleId: string | undefined, path: string) =>
  useQuery({
    queryKey: ['monitoring', key, cycleId],
    enabled: !!cycleId,
    queryFn: () => api.get<T>(path),
  });
