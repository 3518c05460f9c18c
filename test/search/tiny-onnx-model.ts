// Builds a tiny BERT-shaped sentence-embedding model on disk: an ONNX graph whose last_hidden_state is the sum of a
// word embedding and a token-type embedding (no attention layers), plus the tokenizer and config files a Hugging Face
// model directory has. Its outputs are known exactly, so tests can check pooling and normalisation by hand.
import fs from 'node:fs';
import path from 'node:path';

/** The WordPiece vocabulary; a token's id is its index. */
export const TINY_VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '.',
  'graph',
  'neural',
  'network',
  '##s',
  'robot',
  'learn',
  'from',
  'language',
  'vision',
] as const;
export const TINY_DIMENSIONS = 4;

/**
 * Row i is the embedding of token i. [PAD] is huge so that any padding leaking into the pooled vector shows; the
 * other rows are distinct small integers so expected means are exact in float32.
 */
export const TINY_WORD_EMBEDDINGS: readonly (readonly number[])[] = TINY_VOCAB.map((_, id) =>
  id === 0 ? [1000, -1000, 1000, -1000] : [((id * 3) % 7) - 3, ((id * 5) % 11) - 5, ((id * 2) % 5) - 2, (id % 4) + 1],
);
/** Token type 0 (the only one single sentences use) and type 1. */
export const TINY_TYPE_EMBEDDINGS: readonly (readonly number[])[] = [
  [0.5, 0.25, -0.5, 1],
  [9, 9, 9, 9],
];

export function tokenId(token: (typeof TINY_VOCAB)[number]): number {
  return TINY_VOCAB.indexOf(token);
}

// --- A minimal protocol-buffers writer (only what ONNX's ModelProto needs) ---

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  while (v >= 0x80n) {
    bytes.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  bytes.push(Number(v));
  return bytes;
}

const VARINT = 0;
const LENGTH_DELIMITED = 2;

function key(field: number, wireType: number): number[] {
  return varint((field << 3) | wireType);
}

function intField(field: number, value: number | bigint): number[] {
  return [...key(field, VARINT), ...varint(value)];
}

function bytesField(field: number, bytes: Uint8Array | readonly number[]): number[] {
  return [...key(field, LENGTH_DELIMITED), ...varint(bytes.length), ...bytes];
}

function stringField(field: number, text: string): number[] {
  return bytesField(field, new TextEncoder().encode(text));
}

function messageField(field: number, message: readonly number[]): number[] {
  return bytesField(field, message);
}

// --- ONNX messages (field numbers from onnx.proto) ---

const FLOAT = 1;
const INT64 = 7;

type Dim = number | string;

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): number[] {
  const shape = dims.flatMap((dim) => messageField(1, typeof dim === 'number' ? intField(1, dim) : stringField(2, dim)));
  const tensorType = [...intField(1, elemType), ...messageField(2, shape)];
  return [...stringField(1, name), ...messageField(2, messageField(1, tensorType))];
}

function floatTensor(name: string, rows: readonly (readonly number[])[]): number[] {
  const flat = new Float32Array(rows.flat());
  const dims = [rows.length, rows[0]!.length].flatMap((d) => intField(1, d));
  return [...dims, ...intField(2, FLOAT), ...stringField(8, name), ...bytesField(9, new Uint8Array(flat.buffer))];
}

function node(opType: string, inputs: readonly string[], outputs: readonly string[]): number[] {
  return [
    ...inputs.flatMap((input) => stringField(1, input)),
    ...outputs.flatMap((output) => stringField(2, output)),
    ...stringField(3, `${opType}_${outputs[0]}`),
    ...stringField(4, opType),
  ];
}

function modelProto(): Uint8Array {
  const tokens: Dim[] = ['batch', 'sequence'];
  const graph = [
    ...messageField(1, node('Gather', ['word_embeddings', 'input_ids'], ['words'])),
    ...messageField(1, node('Gather', ['token_type_embeddings', 'token_type_ids'], ['types'])),
    ...messageField(1, node('Add', ['words', 'types'], ['last_hidden_state'])),
    ...stringField(2, 'tiny-bert'),
    ...messageField(5, floatTensor('word_embeddings', TINY_WORD_EMBEDDINGS)),
    ...messageField(5, floatTensor('token_type_embeddings', TINY_TYPE_EMBEDDINGS)),
    ...messageField(11, valueInfo('input_ids', INT64, tokens)),
    // A real encoder masks attention with it; this one has no attention, but the input is part of BERT's interface.
    ...messageField(11, valueInfo('attention_mask', INT64, tokens)),
    ...messageField(11, valueInfo('token_type_ids', INT64, tokens)),
    ...messageField(12, valueInfo('last_hidden_state', FLOAT, [...tokens, TINY_DIMENSIONS])),
  ];
  const model = [
    ...intField(1, 8), // ir_version
    ...stringField(2, 'paperboy-tests'),
    ...messageField(7, graph),
    ...messageField(8, [...stringField(1, ''), ...intField(2, 14)]), // opset_import: default domain, opset 14
  ];
  return new Uint8Array(model);
}

// --- Tokenizer and config files ---

function tokenizerJson(): unknown {
  const special = (content: string) => ({
    id: TINY_VOCAB.indexOf(content as (typeof TINY_VOCAB)[number]),
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const piece = (id: string) => ({ SpecialToken: { id, type_id: 0 } });
  const specialTokens = Object.fromEntries((['[CLS]', '[SEP]'] as const).map((t) => [t, { id: t, ids: [tokenId(t)], tokens: [t] }]));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]'].map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [piece('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, piece('[SEP]')],
      pair: [
        piece('[CLS]'),
        { Sequence: { id: 'A', type_id: 0 } },
        piece('[SEP]'),
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: specialTokens,
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(TINY_VOCAB.map((token, id) => [token, id])),
    },
  };
}

export interface TinyModelOptions {
  /** Writes sentence-transformers' 1_Pooling/config.json selecting CLS pooling (as bge models do). */
  readonly clsPooling?: boolean;
}

/** Writes the model directory (config.json, tokenizer files, onnx/model.onnx) into `directory`. */
export function writeTinyOnnxModel(directory: string, options: TinyModelOptions = {}): void {
  fs.mkdirSync(path.join(directory, 'onnx'), { recursive: true });
  const json = (file: string, value: unknown) => fs.writeFileSync(path.join(directory, file), JSON.stringify(value, null, 2));
  json('config.json', {
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: TINY_DIMENSIONS,
    vocab_size: TINY_VOCAB.length,
    type_vocab_size: TINY_TYPE_EMBEDDINGS.length,
    max_position_embeddings: 64,
    num_attention_heads: 1,
    num_hidden_layers: 0,
    pad_token_id: 0,
  });
  json('tokenizer_config.json', {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: 64,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
  });
  json('tokenizer.json', tokenizerJson());
  if (options.clsPooling === true) {
    fs.mkdirSync(path.join(directory, '1_Pooling'), { recursive: true });
    json(path.join('1_Pooling', 'config.json'), {
      word_embedding_dimension: TINY_DIMENSIONS,
      pooling_mode_cls_token: true,
      pooling_mode_mean_tokens: false,
    });
  }
  fs.writeFileSync(path.join(directory, 'onnx', 'model.onnx'), modelProto());
}

/** The L2-normalised mean of the rows the model outputs for these token ids (single sentence: token type 0). */
export function expectedMeanPooled(tokenIds: readonly number[]): number[] {
  const sum = new Array<number>(TINY_DIMENSIONS).fill(0);
  for (const id of tokenIds) {
    for (let d = 0; d < TINY_DIMENSIONS; d++) sum[d]! += TINY_WORD_EMBEDDINGS[id]![d]! + TINY_TYPE_EMBEDDINGS[0]![d]!;
  }
  return normalized(sum.map((value) => value / tokenIds.length));
}

/** The L2-normalised output row of the first ([CLS]) token. */
export function expectedClsPooled(): number[] {
  const cls = TINY_WORD_EMBEDDINGS[tokenId('[CLS]')]!;
  return normalized(cls.map((value, d) => value + TINY_TYPE_EMBEDDINGS[0]![d]!));
}

function normalized(vector: readonly number[]): number[] {
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}
