// Embedding → LSTM exactly as in post 001, then the five kinds of recurrent model as small working models.
// Run: pnpm tsx scripts/02_embedding_lstm_and_rnn_types.ts
//
// Glossary: N batch, L sequence length, E embedding size, H hidden size, V vocabulary, C classes.
import { argmax, manualSeed, nn, randint, randn, select, stack, zeros, type Tensor } from '@recurrent/nn-core';
import { fmt, cell } from './lib/notebook.js';

const head = (t: Tensor, n = 5): string => Array.from(t.data.slice(0, n), (v) => v.toFixed(4)).join(', ');
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`ok: ${what}`);
}

manualSeed(0);

cell('1. Post 001, line by line');
const batchSize = 10;
const seqLen = 20; // sentence length
const vocabSize = 100; // words in the vocabulary
const embeddingDim = 30; // each word becomes a vector of 30 numbers
const hiddenSize = 18;
const numLayer = 1;
const ids = randint(0, 100, [batchSize, seqLen]); // int32 word ids
console.log(`input = randint(0, 100, [${batchSize}, ${seqLen}])  → ${fmt(ids)} ${ids.dtype}`);
const embedding = new nn.Embedding(vocabSize, embeddingDim);
const embedded = embedding.forward(ids);
console.log(`embedding(input)                → ${fmt(embedded)}  (batch, seq_len, embedding_dim)`);
const lstm = new nn.LSTM(embeddingDim, hiddenSize, { numLayers: numLayer, batchFirst: true });
const [output, [hN, cN]] = lstm.forward(embedded);
console.log(`output[0, 0, :5] = ${head(output)} …`);
console.log(`hN[0, 0, :5]     = ${head(hN)} …`);
console.log(`cN[0, 0, :5]     = ${head(cN)} …`);
console.log(`output ${fmt(output)}  (batch, seq_len, hidden_size): batchFirst applies to output`);
console.log(`hN ${fmt(hN)}  (num_layers·num_directions, batch, hidden_size): NOT batch-first`);
console.log(`cN ${fmt(cN)}  same as hN`);
check(
  select(output, 1, -1).data.every((v, i) => v === select(hN, 0, -1).data[i]),
  'hN[-1] is output[:, -1, :], the last step of every sentence',
);
console.log(`Corrections to the post's comments:
- batch_first=false means input [seq_len, batch, dim]; [batch, seq_len, dim] is batch_first=true.
- dropout applies to the outputs of every layer EXCEPT the last one (and only in training).
- bidirectional chooses a bidirectional LSTM (not "whether to use LSTM").
- a GRU's two gates are the reset gate r and the update gate z (there is no output gate); see script 03.`);

cell('2. The five kinds of recurrent model');

// one-to-one (e.g. image classification): one input, one output, no time axis; a feed-forward net.
class OneToOne extends nn.Module {
  readonly net = this.registerModule('net', new nn.Sequential(new nn.Linear(64, 32), new nn.Linear(32, 10)));
  forward(x: Tensor): Tensor {
    return this.net.forward(x);
  }
}

// one-to-many (e.g. image captioning): one feature vector starts the state, then the model feeds back its own
// prediction for T steps (greedy decoding with an LSTMCell).
class OneToMany extends nn.Module {
  readonly init = this.registerModule('init', new nn.Linear(64, 16));
  readonly embed = this.registerModule('embed', new nn.Embedding(50, 8));
  readonly cell = this.registerModule('cell', new nn.LSTMCell(8, 16));
  readonly out = this.registerModule('out', new nn.Linear(16, 50));
  forward(image: Tensor, steps: number): [Tensor, Tensor] {
    const N = image.shape[0];
    let h = this.init.forward(image); // (N, H): the image is the initial state
    let c = zeros([N, 16]);
    let token: Tensor = zeros([N], { dtype: 'int32' }); // token 0 = <start>
    const logits: Tensor[] = [];
    const tokens: Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      [h, c] = this.cell.forward(this.embed.forward(token), [h, c]);
      const y = this.out.forward(h); // (N, V)
      token = argmax(y, 1); // (N) int32: next input
      logits.push(y);
      tokens.push(token);
    }
    return [stack(logits, 1), stack(tokens, 1)]; // (N, T, V), (N, T)
  }
}

// many-to-one (e.g. text classification): read the whole sequence, classify from the last hidden state.
class ManyToOne extends nn.Module {
  readonly embed = this.registerModule('embed', new nn.Embedding(100, 30));
  readonly lstm = this.registerModule('lstm', new nn.LSTM(30, 18, { batchFirst: true }));
  readonly fc = this.registerModule('fc', new nn.Linear(18, 2));
  forward(ids: Tensor): Tensor {
    const [, [h]] = this.lstm.forward(this.embed.forward(ids));
    return this.fc.forward(select(h, 0, -1)); // hN[-1]: (N, H) → (N, C)
  }
}

// asynchronous many-to-many (e.g. translation): an encoder reads the source, its final (h, c) starts a decoder
// that runs over the target; source and target lengths differ.
class Seq2Seq extends nn.Module {
  readonly srcEmbed = this.registerModule('srcEmbed', new nn.Embedding(100, 16));
  readonly tgtEmbed = this.registerModule('tgtEmbed', new nn.Embedding(80, 16));
  readonly encoder = this.registerModule('encoder', new nn.LSTM(16, 24, { batchFirst: true }));
  readonly decoder = this.registerModule('decoder', new nn.LSTM(16, 24, { batchFirst: true }));
  readonly out = this.registerModule('out', new nn.Linear(24, 80));
  forward(src: Tensor, tgt: Tensor): Tensor {
    const [, state] = this.encoder.forward(this.srcEmbed.forward(src));
    const [dec] = this.decoder.forward(this.tgtEmbed.forward(tgt), state); // teacher forcing
    return this.out.forward(dec); // (N, Lt, Vt)
  }
}

// synchronous many-to-many (e.g. labelling every frame of a video, or every word): one output per input step.
class SyncManyToMany extends nn.Module {
  readonly lstm = this.registerModule('lstm', new nn.LSTM(12, 20, { batchFirst: true }));
  readonly fc = this.registerModule('fc', new nn.Linear(20, 5));
  forward(frames: Tensor): Tensor {
    const [out] = this.lstm.forward(frames); // (N, L, H)
    return this.fc.forward(out); // Linear acts on the last dim: (N, L, C)
  }
}

const n = 4;
const images = randn([n, 64]);
const y11 = new OneToOne().forward(images);
console.log(`one-to-one         image features ${fmt(images)} → class scores ${fmt(y11)}`);

const [capLogits, caption] = new OneToMany().forward(images, 7);
console.log(`one-to-many        image features ${fmt(images)} → word scores ${fmt(capLogits)}, caption ids ${fmt(caption)}`);

const sentences = randint(0, 100, [n, 20]);
const y21 = new ManyToOne().forward(sentences);
console.log(`many-to-one        sentence ids ${fmt(sentences)} → class scores ${fmt(y21)}`);

const src = randint(0, 100, [n, 9]);
const tgt = randint(0, 80, [n, 6]);
const y22 = new Seq2Seq().forward(src, tgt);
console.log(`async many-to-many source ids ${fmt(src)}, target ids ${fmt(tgt)} → target word scores ${fmt(y22)}`);

const video = randn([n, 15, 12]);
const yS = new SyncManyToMany().forward(video);
console.log(`sync many-to-many frames ${fmt(video)} → per-frame class scores ${fmt(yS)}`);
