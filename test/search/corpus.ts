import type { Store } from '../../src/db/database.js';
import type { PaperRecord } from '../../src/papers/paper.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { paperRecord } from '../helpers/fixtures.js';

/** A small corpus with two papers on each of six topics, written for these tests. */
export const TOPIC_PAPERS: PaperRecord[] = [
  paperRecord({
    id: '2501.10001',
    title: 'Predicting protein structure with attention over residue pairs',
    abstract:
      'We predict the folded structure of a protein from its amino acid sequence. Residue pair attention captures contacts between amino acids and improves folding accuracy.',
    authors: ['Rosalind Franklin', 'Linus Pauling'],
    categories: ['q-bio.BM', 'cs.LG'],
    publishedAt: '2025-01-10T00:00:00.000Z',
  }),
  paperRecord({
    id: '2501.10002',
    title: 'Protein folding dynamics from coarse molecular simulation',
    abstract:
      'Coarse grained simulation of protein folding reveals intermediate structure states. Amino acid contacts form early and guide the folded structure.',
    authors: ['Linus Pauling'],
    categories: ['q-bio.BM'],
    publishedAt: '2025-02-11T00:00:00.000Z',
  }),
  paperRecord({
    id: '2501.10003',
    title: 'Robots that learn from natural language corrections',
    abstract:
      'A robot manipulator receives spoken language corrections from a human teacher while it works. The corrections update the robot policy so manipulation mistakes are not repeated.',
    authors: ['Cynthia Breazeal', 'Rodney Brooks'],
    categories: ['cs.RO', 'cs.CL'],
    publishedAt: '2025-01-20T00:00:00.000Z',
  }),
  paperRecord({
    id: '2501.10004',
    title: 'Interactive robot manipulation guided by human feedback',
    abstract:
      'Human teachers give feedback and language instructions to a robot arm. The robot policy adapts online and manipulation success improves with each correction.',
    authors: ['Rodney Brooks'],
    categories: ['cs.RO'],
    publishedAt: '2025-03-02T00:00:00.000Z',
  }),
  paperRecord({
    id: '2501.10005',
    title: 'Fine-grained action recognition in egocentric video',
    abstract:
      'First person egocentric video from head mounted cameras shows hands and objects. We recognise fine grained actions such as cutting or pouring with a video transformer.',
    authors: ['Dima Damen'],
    categories: ['cs.CV'],
    publishedAt: '2025-01-05T00:00:00.000Z',
  }),
  paperRecord({
    id: '2501.10006',
    title: 'Hand object interaction in first person video',
    abstract:
      'Egocentric cameras record hand object interactions in kitchens. Our video model anticipates actions before the hands touch the objects.',
    authors: ['Dima Damen', 'Kristen Grauman'],
    categories: ['cs.CV'],
    publishedAt: '2025-02-15T00:00:00.000Z',
  }),
  paperRecord({
    id: '2501.10007',
    title: 'Graph neural networks for molecular property prediction',
    abstract:
      'Molecules are graphs of atoms and bonds. A message passing graph neural network predicts molecular properties such as solubility and toxicity.',
    authors: ['Yann LeCun'],
    categories: ['cs.LG', 'physics.chem-ph'],
    publishedAt: '2025-01-25T00:00:00.000Z',
  }),
  paperRecord({
    id: '2501.10008',
    title: 'Message passing on molecule graphs with bond features',
    abstract:
      'We add bond features to message passing networks over molecule graphs. Atoms exchange messages along bonds and the network predicts molecular energy.',
    authors: ['Max Welling'],
    categories: ['cs.LG'],
    publishedAt: '2025-03-10T00:00:00.000Z',
  }),
  paperRecord({
    id: '2501.10009',
    title: 'Speech recognition for low resource languages',
    abstract:
      'Automatic speech recognition needs transcribed audio, which low resource languages lack. Self supervised pretraining on untranscribed audio reduces the word error rate.',
    authors: ['Geoffrey Hinton'],
    categories: ['cs.CL', 'eess.AS'],
    publishedAt: '2025-01-30T00:00:00.000Z',
  }),
  paperRecord({
    id: '2501.10010',
    title: 'Multilingual acoustic models from untranscribed audio',
    abstract:
      'Acoustic models for speech recognition in many languages are pretrained on untranscribed audio and fine tuned on a few hours of transcribed speech.',
    authors: ['Geoffrey Hinton', 'Yann LeCun'],
    categories: ['eess.AS'],
    publishedAt: '2025-02-20T00:00:00.000Z',
  }),
  paperRecord({
    id: '2501.10011',
    title: 'Galaxy formation in cosmological simulations',
    abstract:
      'Cosmological hydrodynamic simulations follow dark matter and gas as galaxies form. Feedback from stars and black holes regulates galaxy growth.',
    authors: ['Vera Rubin'],
    categories: ['astro-ph.GA'],
    publishedAt: '2025-01-15T00:00:00.000Z',
  }),
  paperRecord({
    id: '2501.10012',
    title: 'Dark matter halos and the growth of galaxies',
    abstract:
      'Galaxies grow inside dark matter halos. Simulations of halo mergers show how gas cooling and star formation shape galaxy growth.',
    authors: ['Vera Rubin'],
    categories: ['astro-ph.GA', 'astro-ph.CO'],
    publishedAt: '2025-03-05T00:00:00.000Z',
  }),
];

export async function writePapers(store: Store, papers: readonly PaperRecord[]): Promise<void> {
  await store.db.transaction().execute((trx) => upsertPapers(trx, papers, new Date().toISOString()));
}
