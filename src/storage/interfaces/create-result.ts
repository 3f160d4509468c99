// The answer of the counted creates: stored, refused at a limit, or refused because the name is taken.
export type CreateResult = 'ok' | 'limit' | 'exists';
