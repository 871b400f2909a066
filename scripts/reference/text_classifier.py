"""Reference PyTorch TextClassifier with the same architecture and state-dict keys as @recurrent/trainer's.

Embedding(V, E, padding_idx=0) → RNN | LSTM | GRU (batch_first) → pooling over valid steps → Dropout → Linear → log_softmax.
State-dict keys: embedding.weight, rnn.weight_ih_l0 (…_reverse, _l1, …), fc.weight, fc.bias — identical to ours, so a
state dict moves between the two unchanged (load_state_dict(strict=True)).
With bigram_buckets > 0 (our bigramBuckets), a bag of hashed bigrams: row (a · 1,000,003 + b) mod (B − 1) + 1 of
bigram.weight (B, bigram_dim) for each pair of consecutive ids (a, b) within a row's length, their mean concatenated
after the pooled features (before the dropout and fc), as our TextClassifier's bigramRow / withBigrams.
With nb_buckets > 0 (our nbBuckets), a naive Bayes expert (our naive_bayes.ts): buffers nb.unigram (V, C),
nb.bigram (nb_buckets, C), nb.prior (C) and nb.scale (1), counted by `NaiveBayes.fit`; in eval mode
scale · (prior + Σ unigram rows of the valid ids + Σ bigram rows of the valid pairs) is added to the logits.
With linear_buckets > 0 (our linearBuckets), a linear expert (our linear_expert.ts) of the same form: buffers
lin.unigram (V, C), lin.bigram (linear_buckets, C), lin.bias (C) and lin.scale (1), trained by `LinearExpert.fit`
(SGD on the cross entropy, computed here by autograd); both experts' scores are summed in float64, then added.
"""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, num_classes, embedding_dim=128, hidden_size=128, num_layers=1, bidirectional=True,
                 cell="lstm", dropout=0.5, pooling="max", dtype=torch.float32, embedding_dropout=None, rnn_dropout=None,
                 embedding_init_range=None, bigram_buckets=0, bigram_dim=32, nb_buckets=0, linear_buckets=0):
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
        self.nb = NaiveBayes(vocab_size, num_classes, nb_buckets, dtype) if nb_buckets > 0 else None
        self.lin = LinearExpert(vocab_size, num_classes, linear_buckets, dtype) if linear_buckets > 0 else None

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
            rows = pair_rows(ids, lengths, self.bigram_buckets)  # (N, L − 1)
            bag = self.bigram(rows).sum(1) / (lengths - 1).clamp(min=1)[:, None].to(pooled.dtype)
            pooled = torch.cat([pooled, bag], dim=1)
        logits = self.fc(self.dropout(pooled))
        experts = [e for e in (self.nb, self.lin) if e is not None and e.scale.item() != 0]
        if experts and not self.training:
            logits = logits + sum(e.scores(ids, lengths) for e in experts).to(logits.dtype)
        return torch.log_softmax(logits, dim=1)


def pair_row(a, b, buckets):
    """The row (a · 1,000,003 + b) mod (buckets − 1) + 1 of the consecutive ids (a, b) (our bigramRow); ints or tensors."""
    return (a * 1000003 + b) % (buckets - 1) + 1


def pair_rows(ids, lengths, buckets):
    """Rows `pair_row` of the consecutive pairs within each length, 0 elsewhere."""
    rows = pair_row(ids[:, :-1], ids[:, 1:], buckets)  # (N, L − 1)
    valid = torch.arange(ids.shape[1] - 1)[None, :] < (lengths - 1)[:, None]
    return torch.where(valid, rows, torch.zeros_like(rows))


class TableExpert(nn.Module):
    """A row of C scores per token id and per hashed consecutive pair, summed, plus a bias (our table_expert.ts)."""

    def __init__(self, vocab_size, num_classes, buckets, bias_name, dtype=torch.float32):
        super().__init__()
        self.buckets = buckets
        self.bias_name = bias_name
        self.register_buffer("unigram", torch.zeros(vocab_size, num_classes, dtype=dtype))
        self.register_buffer("bigram", torch.zeros(buckets, num_classes, dtype=dtype))
        self.register_buffer(bias_name, torch.zeros(num_classes, dtype=dtype))
        self.register_buffer("scale", torch.zeros(1, dtype=dtype))

    def scores(self, ids, lengths):
        """(N, C): scale · (bias + rows of the valid ids + rows of the valid pairs), summed in float64."""
        valid = torch.arange(ids.shape[1])[None, :] < lengths[:, None]
        uni = (self.unigram.double()[ids] * valid[:, :, None]).sum(1)
        bi = self.bigram.double()[pair_rows(ids, lengths, self.buckets)].sum(1)  # row 0 of an unused pair is 0
        return self.scale.double() * (getattr(self, self.bias_name).double() + uni + bi)


class LinearExpert(TableExpert):
    """Logistic regression over the same features (our linear_expert.ts), its tables as buffers."""

    def __init__(self, vocab_size, num_classes, buckets, dtype=torch.float32):
        super().__init__(vocab_size, num_classes, buckets, "bias", dtype)

    def fit(self, sequences, labels, lr, orders):
        """SGD from zero tables, one example a step in the given orders (one permutation per epoch), the rate
        lr · (1 − step / steps); the gradient of the cross entropy by autograd, in float64."""
        V, C = self.unigram.shape
        table = torch.zeros(V + self.buckets, C, dtype=torch.float64, requires_grad=True)
        bias = torch.zeros(C, dtype=torch.float64, requires_grad=True)
        rows = [seq + [V + pair_row(a, b, self.buckets) for a, b in zip(seq, seq[1:])] for seq in sequences]
        steps = len(orders) * len(sequences)
        step = 0
        for order in orders:
            for i in order:
                rate = lr * (1 - step / steps)
                step += 1
                s = bias + table[torch.tensor(rows[i], dtype=torch.long)].sum(0)
                loss = torch.nn.functional.cross_entropy(s[None, :], torch.tensor([labels[i]]))
                table.grad = None
                bias.grad = None
                loss.backward()
                with torch.no_grad():
                    table -= rate * table.grad
                    bias -= rate * bias.grad
        with torch.no_grad():
            self.unigram.copy_(table[:V])
            self.bigram.copy_(table[V:])
            self.bias.copy_(bias)


class NaiveBayes(TableExpert):
    """Multinomial naive Bayes over token ids and hashed consecutive pairs (our naive_bayes.ts), as buffers."""

    def __init__(self, vocab_size, num_classes, buckets, dtype=torch.float32):
        super().__init__(vocab_size, num_classes, buckets, "prior", dtype)

    def fit(self, sequences, labels, alpha):
        """Counts from unpadded id lists and class indices: log((k_c(f) + α) / (K_c + α·F)) centered over the
        classes, zero rows for features never seen, centered log prior."""
        V, C = self.unigram.shape
        uni = torch.zeros(V, C, dtype=torch.float64)
        bi = torch.zeros(self.buckets, C, dtype=torch.float64)
        examples = torch.zeros(C, dtype=torch.float64)
        for seq, c in zip(sequences, labels):
            examples[c] += 1
            for t, a in enumerate(seq):
                uni[a, c] += 1
                if t + 1 < len(seq):
                    bi[pair_row(a, seq[t + 1], self.buckets), c] += 1
        total = uni.sum(0) + bi.sum(0)
        seen = int((uni.sum(1) > 0).sum() + (bi.sum(1) > 0).sum())
        log_den = torch.log(total + alpha * seen)

        def table(counts):
            t = torch.log(counts + alpha) - log_den
            t = t - t.mean(1, keepdim=True)
            return torch.where((counts.sum(1) > 0)[:, None], t, torch.zeros_like(t))

        prior = torch.log(examples / len(labels))
        with torch.no_grad():
            self.unigram.copy_(table(uni))
            self.bigram.copy_(table(bi))
            self.prior.copy_(prior - prior.mean())
