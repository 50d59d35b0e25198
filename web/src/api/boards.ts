import { useQuery } from '@tanstack/react-query';
import { apiGet } from './client';
import type { Board, BoardSection, Page } from './types';

/** Every board of the signed-in person (for pickers), all pages. */
export function useMyBoards(enabled = true) {
  return useQuery({
    queryKey: ['my-boards'],
    enabled,
    queryFn: async () => {
      const boards: Board[] = [];
      let bookmark: string | null = null;
      do {
        const query: string = bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : '';
        const page: Page<Board> = await apiGet<Page<Board>>(`/api/boards?page_size=250${query}`);
        boards.push(...page.items);
        bookmark = page.bookmark;
      } while (bookmark);
      return boards;
    },
  });
}

export function useSections(boardId: string | null) {
  return useQuery({
    queryKey: ['sections', boardId],
    enabled: boardId !== null && boardId !== '',
    queryFn: () => apiGet<Page<BoardSection>>(`/api/boards/${boardId}/sections?page_size=250`),
  });
}
