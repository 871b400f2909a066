"""Reference PyTorch TextClassifier with the same architecture and state-dict keys as @recurrent/trainer's.

Embedding(V, E, padding_idx=0) → RNN | LSTM | GRU (batch_first) → pooling over valid steps → Dropout → Linear → log_softmax.
State-dict keys: embedding.weight, rnn.weight_ih_l0 (…_reverse, _l1, …), fc.weight, fc.bias — identical to ours, so a
state dict moves between the two unchanged (load_state_dict(strict=True)).
With bigram_buckets > 0 (our bigramBuckets), a bag of hashed bigrams: row (a · 1,000,003 + b) mod (B − 1) + 1 of
bigram.weight (B, bigram_dim) for each pair of consecutive ids (a, b) within a row's length, their mean concatenated
after the pooled features (before the dropout and fc), as our TextClassifier's bigramRow / withBigrams.
"""
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, num_classes, embedding_dim=128, hidden_size=128, num_layers=1, bidirectional=True,
                 cell="lstm", dropout=0.5, pooling="max", dtype=torch.float32, embedding_dropout=None, rnn_dropout=None,
                 embedding_init_range=None, bigram_buckets=0, bigram_dim=32):
        """`dropout` acts on the pooled features (our `dropout`); `embedding_dropout` on the embeddings and
        `rnn_dropout` between recurrent layers default to it (ours are separate settings: embeddingDropout,
        rnnDropout). None of them matters in eval mode."""
        super().__init__()
        self.pooling = pooling
        self.cell = cell
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0, dtype=dtype)
        if embedding_init_range is not None:
            # Like our embeddingInitRange: U(−r, r) instead of N(0, 1), with the <pad> row kept at zero.
            with torch.no_grad():
                self.embedding.weight.uniform_(-embedding_init_range, embedding_init_range)
                self.embedding.weight[0].zero_()
        rnn_cls = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
        self.rnn = rnn_cls(embedding_dim, hidden_size, num_layers=num_layers, batch_first=True,
                           bidirectional=bidirectional,
                           dropout=(dropout if rnn_dropout is None else rnn_dropout) if num_layers > 1 else 0.0, dtype=dtype)
        self.embedding_dropout = nn.Dropout(dropout if embedding_dropout is None else embedding_dropout)
        self.dropout = nn.Dropout(dropout)
        bag = bigram_dim if bigram_buckets > 0 else 0
        self.fc = nn.Linear(hidden_size * (2 if bidirectional else 1) + bag, num_classes, dtype=dtype)
        self.directions = 2 if bidirectional else 1
        self.bigram_buckets = bigram_buckets
        self.bigram = None
        if bigram_buckets > 0:  # after fc, as ours (a model without the bag draws as before)
            self.bigram = nn.Embedding(bigram_buckets, bigram_dim, padding_idx=0, dtype=dtype)
            with torch.no_grad():
                self.bigram.weight.uniform_(-1 / bigram_dim, 1 / bigram_dim)
                self.bigram.weight[0].zero_()

    def forward(self, ids, lengths):
        """ids (N, L) int64 padded with 0; lengths (N) → log-probabilities (N, C)."""
        x = self.embedding_dropout(self.embedding(ids))
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out_p, h = self.rnn(packed)
        h_n = h[0] if isinstance(h, tuple) else h
        if self.pooling == "last":
            # Final hidden state of the last layer, both directions: forward at the last valid step, backward at step 0.
            pooled = torch.cat([h_n[-self.directions + d] for d in range(self.directions)], dim=1)
        else:
            out, _ = pad_packed_sequence(out_p, batch_first=True, total_length=ids.shape[1])
            mask = (torch.arange(ids.shape[1])[None, :] < lengths[:, None]).unsqueeze(2)
            if self.pooling == "mean":
                pooled = (out * mask).sum(1) / lengths[:, None].to(out.dtype)
            else:
                pooled = out.masked_fill(~mask, float("-inf")).max(1).values
        if self.bigram is not None:
            rows = (ids[:, :-1] * 1000003 + ids[:, 1:]) % (self.bigram_buckets - 1) + 1  # (N, L − 1)
            pairs = lengths - 1
            valid = torch.arange(ids.shape[1] - 1)[None, :] < pairs[:, None]
            rows = torch.where(valid, rows, torch.zeros_like(rows))
            bag = self.bigram(rows).sum(1) / pairs.clamp(min=1)[:, None].to(pooled.dtype)
            pooled = torch.cat([pooled, bag], dim=1)
        return torch.log_softmax(self.fc(self.dropout(pooled)), dim=1)
