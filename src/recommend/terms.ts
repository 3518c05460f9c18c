import { isContentWord, words } from '../search/text.js';

/**
 * The terms of a paper for TF-IDF: its content words (unstemmed; stemming merged too much on the development set) and
 * each pair of adjacent content words, which names a topic ("language model", "dark matter") better than either word.
 */
export function paperTerms(text: string): string[] {
  const content = words(text).filter(isContentWord);
  const terms = content.slice();
  for (let i = 1; i < content.length; i++) terms.push(`${content[i - 1]} ${content[i]}`);
  return terms;
}
