//! The clustering itself: subset counting, head choice, grouping and naming.
//!
//! Term ids are re-numbered in the byte order of their text before any
//! comparison, so every tie-break below is a comparison of texts and the plan
//! never depends on the order of the input.

use std::cmp::{Ordering, Reverse};

use rustc_hash::{FxHashMap, FxHashSet};

use super::tokens::{Class, Normalizer};
use super::{
    ClusterInput, ClusterPlan, ClusterTarget, ExistingCluster, LocalClusterOptions, PlannedCluster,
};

/// Upper bound for [`LocalClusterOptions::max_terms_per_keyword`].
pub(super) const MAX_TERMS_LIMIT: usize = 16;
/// Names are cut to this many characters.
pub(super) const MAX_NAME_CHARS: usize = 200;
/// The name of a cluster whose keyword has no visible text.
pub(super) const UNTITLED: &str = "untitled";

/// A set of 1–3 term ids (ids start at 1, sorted ascending), packed as
/// `a << 64 | b << 32 | c` with unused places 0. For sets of equal size the
/// integer order is the lexicographic order of the sets.
type Key = u128;

fn pack(ids: &[u32]) -> Key {
    let mut key: Key = 0;
    for (i, &id) in ids.iter().take(3).enumerate() {
        key |= Key::from(id) << (64 - 32 * i);
    }
    key
}

/// A bijective scramble of a key, used as the hash-map key: FxHash keeps the
/// structure of packed small integers (low output bits depend only on low
/// input bits), which made big maps degrade; multiplying by an odd constant
/// (invertible modulo 2^128) spreads every bit without creating collisions.
fn spread(key: Key) -> Key {
    key.wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835)
}

fn unpack(key: Key) -> Vec<u32> {
    [(key >> 64) as u32, (key >> 32) as u32, key as u32]
        .into_iter()
        .filter(|&id| id != 0)
        .collect()
}

fn key_len(key: Key) -> usize {
    if key as u32 != 0 {
        3
    } else if (key >> 32) as u32 != 0 {
        2
    } else {
        1
    }
}

/// Calls `f` with every subset of size 1, 2 and 3 of `ids` (sorted, distinct)
/// and whether the subset is a *phrase* in this keyword: its terms' positions
/// `pos` (order of first appearance, parallel to `ids`) are consecutive.
fn for_each_subset(ids: &[u32], pos: &[u8], mut f: impl FnMut(Key, bool)) {
    let at = |i: usize| pos.get(i).copied().unwrap_or(u8::MAX);
    for (a, &x) in ids.iter().enumerate() {
        f(pack(&[x]), true);
        for (b, &y) in ids.iter().enumerate().skip(a + 1) {
            f(pack(&[x, y]), at(a).abs_diff(at(b)) == 1);
            for (c, &z) in ids.iter().enumerate().skip(b + 1) {
                let (p, q, r) = (at(a), at(b), at(c));
                f(pack(&[x, y, z]), p.max(q).max(r) - p.min(q).min(r) == 2);
            }
        }
    }
}

/// Many short `u32` lists in one allocation.
struct Flat {
    data: Vec<u32>,
    off: Vec<usize>,
}

impl Flat {
    fn with_capacity(lists: usize, items: usize) -> Self {
        let mut off = Vec::with_capacity(lists + 1);
        off.push(0);
        Flat {
            data: Vec::with_capacity(items),
            off,
        }
    }

    fn push(&mut self, list: &[u32]) {
        self.data.extend_from_slice(list);
        self.off.push(self.data.len());
    }

    fn get(&self, i: usize) -> &[u32] {
        match (self.off.get(i), self.off.get(i + 1)) {
            (Some(&a), Some(&b)) => self.data.get(a..b).unwrap_or_default(),
            _ => &[],
        }
    }

    /// Maps every id through `rank` and sorts each list; `pos`, if not empty,
    /// is parallel to the items and is permuted along with them.
    fn remap_sort(&mut self, rank: &[u32], pos: &mut [u8]) {
        for id in &mut self.data {
            *id = rank.get(*id as usize).copied().unwrap_or(0);
        }
        let mut pairs: Vec<(u32, u8)> = Vec::new();
        for w in self.off.windows(2) {
            let (Some(list), Some(p)) = (self.data.get_mut(w[0]..w[1]), pos.get_mut(w[0]..w[1]))
            else {
                if let Some(list) = self.data.get_mut(w[0]..w[1]) {
                    list.sort_unstable();
                }
                continue;
            };
            pairs.clear();
            pairs.extend(list.iter().copied().zip(p.iter().copied()));
            pairs.sort_unstable();
            for ((id, q), (l, pp)) in pairs.iter().zip(list.iter_mut().zip(p.iter_mut())) {
                *l = *id;
                *pp = *q;
            }
        }
    }
}

/// Keywords that end up together, before naming.
struct Group {
    /// Sorted term ids: the head, or the whole signature of a leftover.
    sig: Vec<u32>,
    /// Keyword indexes.
    members: Vec<usize>,
    /// Chosen as a shared head (as opposed to leftovers grouped by signature).
    head: bool,
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Volume as used for ordering and totals: negative volumes count as 0.
fn vol(k: &ClusterInput<'_>) -> i64 {
    k.volume.max(0)
}

/// Trims, collapses runs of whitespace and cuts to [`MAX_NAME_CHARS`].
fn display(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * MAX_NAME_CHARS));
    let mut chars = 0;
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars >= MAX_NAME_CHARS {
                return out.trim_end().to_owned();
            }
            out.push(c);
            chars += 1;
        }
    }
    out
}

/// The key names are compared by for uniqueness.
fn name_key(name: &str) -> String {
    display(name).to_lowercase()
}

/// Everything the planner needs to look up while naming.
struct Ctx<'k, 'a> {
    keywords: &'k [ClusterInput<'a>],
    /// Temporary (interning) id → final id.
    rank: Vec<u32>,
    /// Final id − 1 → temporary id.
    by_text: Vec<u32>,
}

impl Ctx<'_, '_> {
    fn final_id(&self, temp: u32) -> u32 {
        self.rank.get(temp as usize).copied().unwrap_or(0)
    }

    fn text<'n>(&self, norm: &'n Normalizer, id: u32) -> &'n str {
        id.checked_sub(1)
            .and_then(|i| self.by_text.get(i as usize))
            .and_then(|&t| norm.terms().get(t as usize))
            .map_or("", |t| t)
    }

    /// Member order: volume desc, then id, then text.
    fn member_cmp(&self, a: usize, b: usize) -> Ordering {
        let (ka, kb) = (&self.keywords[a], &self.keywords[b]);
        vol(kb)
            .cmp(&vol(ka))
            .then(ka.id.cmp(&kb.id))
            .then(ka.keyword.cmp(kb.keyword))
    }
}

/// See [`super::plan_clusters`].
pub(super) fn plan(
    keywords: &[ClusterInput<'_>],
    existing: &[ExistingCluster<'_>],
    options: &LocalClusterOptions,
) -> ClusterPlan {
    let n = keywords.len();
    if n == 0 {
        return ClusterPlan::default();
    }
    let min_size = to_u32(options.min_cluster_size.max(2));
    let min_unigram = to_u32(options.min_unigram_support).max(min_size);
    let max_terms = options.max_terms_per_keyword.clamp(1, MAX_TERMS_LIMIT);
    let mut norm = Normalizer::new(options.language);

    // 1. Tokenize, classify, stem, intern.
    let mut kw = Flat::with_capacity(n, n * 4);
    let mut pos: Vec<u8> = Vec::with_capacity(n * 4);
    let mut clean = Vec::with_capacity(n);
    let mut scratch = Vec::with_capacity(MAX_TERMS_LIMIT);
    for k in keywords {
        clean.push(norm.analyze(k.keyword, max_terms, &mut scratch));
        kw.push(&scratch);
        pos.extend((0..scratch.len()).map(|p| u8::try_from(p).unwrap_or(u8::MAX)));
    }
    let mut ex = Flat::with_capacity(existing.len(), existing.len() * 3);
    for e in existing {
        norm.analyze(e.name, max_terms, &mut scratch);
        ex.push(&scratch);
    }

    // 2. Renumber term ids in text order (1-based) so ties break by text.
    let terms = norm.terms();
    let mut by_text: Vec<u32> = (0..to_u32(terms.len())).collect();
    by_text.sort_unstable_by(|&a, &b| terms.get(a as usize).cmp(&terms.get(b as usize)));
    let mut rank = vec![0u32; terms.len()];
    for (r, &t) in by_text.iter().enumerate() {
        if let Some(slot) = rank.get_mut(t as usize) {
            *slot = to_u32(r + 1);
        }
    }
    kw.remap_sort(&rank, &mut pos);
    ex.remap_sort(&rank, &mut []);
    let ctx = Ctx {
        keywords,
        rank,
        by_text,
    };

    // 3. Keyword document frequency of every 1-, 2- and 3-term subset, and
    //    whether it is a phrase in at least one keyword.
    let mut slot_of: FxHashMap<Key, u32> =
        FxHashMap::with_capacity_and_hasher(n, Default::default());
    let mut slot_key: Vec<Key> = Vec::with_capacity(n);
    let mut df: Vec<u32> = Vec::with_capacity(n);
    let mut phrase: Vec<bool> = Vec::with_capacity(n);
    let mut kw_slots = Flat::with_capacity(n, n * 12);
    // Parallel to `kw_slots.data`: the subset is a phrase in that keyword.
    let mut kw_phrase: Vec<bool> = Vec::with_capacity(n * 12);
    let mut buf: Vec<u32> = Vec::new();
    for i in 0..n {
        buf.clear();
        let p = kw
            .off
            .get(i)
            .and_then(|&a| pos.get(a..))
            .unwrap_or_default();
        for_each_subset(kw.get(i), p, |key, is_phrase| {
            let next = to_u32(slot_key.len());
            let s = *slot_of.entry(spread(key)).or_insert(next);
            if s == next {
                slot_key.push(key);
                df.push(0);
                phrase.push(false);
            }
            if let Some(d) = df.get_mut(s as usize) {
                *d += 1;
            }
            if let Some(ph) = phrase.get_mut(s as usize) {
                *ph |= is_phrase;
            }
            buf.push(s);
            kw_phrase.push(is_phrase);
        });
        kw_slots.push(&buf);
    }

    // Existing clusters: by signature (lowest id wins a tie). A signature of
    // one to three terms is also a head that needs only one keyword.
    let mut ex_by_sig: FxHashMap<&[u32], usize> = FxHashMap::default();
    for (j, e) in existing.iter().enumerate() {
        ex_by_sig
            .entry(ex.get(j))
            .and_modify(|cur| {
                if e.id < existing[*cur].id {
                    *cur = j;
                }
            })
            .or_insert(j);
    }
    let mut existing_heads: Vec<Key> = Vec::new();
    for j in 0..existing.len() {
        let sig = ex.get(j);
        if (1..=3).contains(&sig.len()) {
            existing_heads.push(pack(sig));
        }
    }
    for &key in &existing_heads {
        if let std::collections::hash_map::Entry::Vacant(v) = slot_of.entry(spread(key)) {
            v.insert(to_u32(slot_key.len()));
            slot_key.push(key);
            df.push(0);
            phrase.push(false);
        }
    }
    let n_slots = slot_key.len();
    let mut is_existing = vec![false; n_slots];
    for key in &existing_heads {
        if let Some(&s) = slot_of.get(&spread(*key)) {
            is_existing[s as usize] = true;
        }
    }
    let threshold = |s: usize| -> u32 {
        if is_existing[s] {
            1
        } else if key_len(slot_key[s]) == 1 {
            min_unigram
        } else {
            min_size
        }
    };

    // 4. Candidate heads of each keyword: existing heads, and sets shared by
    //    enough keywords that read as a phrase: a pair in at least one keyword,
    //    a triple in this keyword itself. Stored inverted: head → keywords.
    let is_candidate = |slot: u32, phrase_here: bool| -> bool {
        let u = slot as usize;
        is_existing[u]
            || (df[u] >= threshold(u)
                && match key_len(slot_key[u]) {
                    1 => true,
                    2 => phrase[u],
                    _ => phrase_here,
                })
    };
    let mut post_off = vec![0usize; n_slots + 1];
    for (&s, &here) in kw_slots.data.iter().zip(&kw_phrase) {
        if is_candidate(s, here) {
            post_off[s as usize + 1] += 1;
        }
    }
    for i in 0..n_slots {
        post_off[i + 1] += post_off[i];
    }
    let mut fill = post_off.clone();
    let mut postings = vec![0u32; post_off[n_slots]];
    for i in 0..n {
        let slots = kw_slots.get(i);
        let here = kw_slots
            .off
            .get(i)
            .and_then(|&a| kw_phrase.get(a..))
            .unwrap_or_default();
        for (&s, &h) in slots.iter().zip(here) {
            if is_candidate(s, h) {
                postings[fill[s as usize]] = to_u32(i);
                fill[s as usize] += 1;
            }
        }
    }
    drop(fill);
    drop(kw_slots);
    drop(kw_phrase);

    // 5. Heads in preference order (larger set, then higher document
    //    frequency, then the smaller set in text order). A head is accepted
    //    when enough keywords that carry it are still unassigned; they all
    //    join it. So every keyword gets its most preferred head that really
    //    gathers a cluster, whatever the input order.
    let mut heads: Vec<u32> = (0..to_u32(n_slots))
        .filter(|&s| post_off[s as usize + 1] > post_off[s as usize])
        .collect();
    heads.sort_unstable_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        key_len(slot_key[b])
            .cmp(&key_len(slot_key[a]))
            .then(df[b].cmp(&df[a]))
            .then(slot_key[a].cmp(&slot_key[b]))
    });
    const NONE: u32 = u32::MAX;
    let mut assigned = vec![NONE; n];
    for &s in &heads {
        let u = s as usize;
        let members = postings
            .get(post_off[u]..post_off[u + 1])
            .unwrap_or_default();
        let free = members
            .iter()
            .filter(|&&k| assigned[k as usize] == NONE)
            .count();
        if free > 0 && to_u32(free) >= threshold(u) {
            for &k in members {
                if assigned[k as usize] == NONE {
                    assigned[k as usize] = s;
                }
            }
        }
    }
    drop(postings);

    // 6. Groups: one per accepted head; leftovers grouped by whole signature.
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of_slot: FxHashMap<u32, usize> = FxHashMap::default();
    for (i, &s) in assigned.iter().enumerate() {
        if s != NONE {
            let g = *group_of_slot.entry(s).or_insert_with(|| {
                groups.push(Group {
                    sig: unpack(slot_key[s as usize]),
                    members: Vec::new(),
                    head: true,
                });
                groups.len() - 1
            });
            groups[g].members.push(i);
        }
    }
    let mut group_of_sig: FxHashMap<&[u32], usize> = FxHashMap::default();
    for (i, &s) in assigned.iter().enumerate() {
        if s != NONE {
            continue;
        }
        let sig = kw.get(i);
        let same_head = if sig.len() <= 3 {
            slot_of
                .get(&spread(pack(sig)))
                .and_then(|s| group_of_slot.get(s))
                .copied()
        } else {
            None
        };
        let g = match same_head {
            Some(g) => g,
            None => *group_of_sig.entry(sig).or_insert_with(|| {
                groups.push(Group {
                    sig: sig.to_vec(),
                    members: Vec::new(),
                    head: false,
                });
                groups.len() - 1
            }),
        };
        groups[g].members.push(i);
    }

    // 7. Targets and names.
    let mut clusters: Vec<PlannedCluster> = Vec::with_capacity(groups.len());
    let mut new_flags: Vec<bool> = Vec::with_capacity(groups.len());
    for mut g in groups {
        g.members.sort_unstable_by(|&a, &b| ctx.member_cmp(a, b));
        let total_volume = g
            .members
            .iter()
            .fold(0i64, |acc, &i| acc.saturating_add(vol(&keywords[i])));
        let signature: Vec<String> = g
            .sig
            .iter()
            .map(|&id| ctx.text(&norm, id).to_owned())
            .collect();
        let (target, name) = match ex_by_sig.get(g.sig.as_slice()) {
            Some(&j) => (
                ClusterTarget::Existing(existing[j].id),
                display(existing[j].name),
            ),
            None => {
                let name = if g.head {
                    let exact: Vec<bool> = g
                        .members
                        .iter()
                        .map(|&i| {
                            clean.get(i).copied().unwrap_or(false) && kw.get(i) == g.sig.as_slice()
                        })
                        .collect();
                    head_name(&mut norm, &ctx, &g, &exact)
                } else {
                    leftover_name(&ctx, &g)
                };
                (ClusterTarget::New { name: name.clone() }, name)
            }
        };
        new_flags.push(matches!(target, ClusterTarget::New { .. }));
        let keyword_ids = g.members.iter().map(|&i| keywords[i].id).collect();
        clusters.push(PlannedCluster {
            target,
            name,
            signature,
            keyword_ids,
            total_volume,
        });
    }

    // 8. Unique names (also unique against every existing cluster's name),
    //    given in plan order, then the final order.
    let mut order: Vec<usize> = (0..clusters.len()).collect();
    order.sort_unstable_by(|&a, &b| plan_cmp(&clusters[a], &clusters[b]));
    let mut used: FxHashSet<String> = existing.iter().map(|e| name_key(e.name)).collect();
    for &c in &order {
        if !new_flags[c] {
            continue;
        }
        let base = clusters[c].name.clone();
        let mut name = base.clone();
        let mut k = 2u64;
        while !used.insert(name_key(&name)) {
            name = format!("{base} ({k})");
            k += 1;
        }
        if name != base {
            clusters[c].target = ClusterTarget::New { name: name.clone() };
            clusters[c].name = name;
        }
    }
    clusters.sort_by(plan_cmp);
    ClusterPlan { clusters }
}

/// Plan order: total volume desc, then name, then signature, then keyword ids.
fn plan_cmp(a: &PlannedCluster, b: &PlannedCluster) -> Ordering {
    b.total_volume
        .cmp(&a.total_volume)
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.signature.cmp(&b.signature))
        .then_with(|| a.keyword_ids.cmp(&b.keyword_ids))
}

/// A leftover group is named after its first member (volume desc, then
/// shortest, then alphabetical).
fn leftover_name(ctx: &Ctx<'_, '_>, g: &Group) -> String {
    let best = g
        .members
        .iter()
        .map(|&i| {
            (
                Reverse(vol(&ctx.keywords[i])),
                display(ctx.keywords[i].keyword),
            )
        })
        .min_by(|(va, a), (vb, b)| {
            va.cmp(vb)
                .then(a.chars().count().cmp(&b.chars().count()))
                .then(a.cmp(b))
        });
    match best {
        Some((_, name)) if !name.is_empty() => name,
        _ => UNTITLED.to_owned(),
    }
}

/// How often one head phrase occurs among a cluster's members.
struct SpanTally {
    /// The phrase as written (the casing of its highest-volume occurrence).
    text: String,
    text_volume: i64,
    count: u32,
    volume: i64,
    has_stopword: bool,
}

/// Names a head cluster.
///
/// The *head phrase* of a member is the stretch of its own text from its
/// first to its last head word, if it contains only head words and
/// stopwords: "kitchen faucet" in "how to replace a kitchen faucet",
/// "grinders for coffee" in "best grinders for coffee". The name is the most
/// frequent head phrase (then the one without stopwords, then higher volume,
/// then shorter, then alphabetical). A clean member whose signature equals the
/// head is its own head phrase, so this extends "the member that is exactly the
/// head" to members that carry extra words around it. Without any head phrase,
/// the name is built from the head words' most common surface forms in their
/// most common order.
///
/// `exact[m]` tells whether member `m` (in `g.members` order) is clean and has
/// exactly the head as its signature.
fn head_name(norm: &mut Normalizer, ctx: &Ctx<'_, '_>, g: &Group, exact: &[bool]) -> String {
    let head = g.sig.as_slice();
    let mut tallies: FxHashMap<String, SpanTally> = FxHashMap::default();
    let mut toks: Vec<(usize, usize, Option<u32>, bool)> = Vec::new();
    for (m, &i) in g.members.iter().enumerate() {
        let k = &ctx.keywords[i];
        let text = k.keyword;
        let v = vol(k);
        toks.clear();
        // (start, end, head term id, is stopword)
        norm.for_each_token(text, |t| {
            let id = match t.class {
                Class::Term(temp) => Some(ctx.final_id(temp)),
                _ => None,
            };
            toks.push((t.start, t.end, id, t.class == Class::Stop));
        });
        let is_head =
            |t: &(usize, usize, Option<u32>, bool)| t.2.is_some_and(|id| head.contains(&id));
        let (Some(first), Some(last)) = (
            toks.iter().position(is_head),
            toks.iter().rposition(is_head),
        ) else {
            continue;
        };
        let inside = toks.get(first..=last).unwrap_or_default();
        if !inside.iter().all(|t| is_head(t) || t.3) {
            continue;
        }
        let mut seen: Vec<u32> = inside.iter().filter_map(|t| t.2).collect();
        seen.sort_unstable();
        seen.dedup();
        if seen != head {
            continue;
        }
        let (Some(a), Some(b)) = (inside.first(), inside.last()) else {
            continue;
        };
        let phrase = display(text.get(a.0..b.1).unwrap_or_default());
        if phrase.is_empty() {
            continue;
        }
        let has_stopword = inside.iter().any(|t| t.3);
        let key = phrase.to_lowercase();
        let tally = tallies.entry(key).or_insert_with(|| SpanTally {
            text: phrase.clone(),
            text_volume: v,
            count: 0,
            volume: 0,
            has_stopword,
        });
        tally.count += 1;
        tally.volume = tally.volume.saturating_add(v);
        if v > tally.text_volume || (v == tally.text_volume && phrase < tally.text) {
            tally.text = phrase;
            tally.text_volume = v;
        }
        // A member that is exactly the head ("kitchen faucet") counts once
        // more, so that it beats an equally frequent variant.
        if exact.get(m).copied().unwrap_or(false) {
            tally.count += 1;
        }
    }
    let best = tallies.into_values().min_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.has_stopword.cmp(&b.has_stopword))
            .then(b.volume.cmp(&a.volume))
            .then(a.text.chars().count().cmp(&b.text.chars().count()))
            .then(a.text.cmp(&b.text))
    });
    if let Some(t) = best {
        return t.text;
    }
    built_name(norm, ctx, g)
}

/// A name built from the head words: for each head term its most common
/// lowercase surface form among the members, in the most common order.
fn built_name(norm: &mut Normalizer, ctx: &Ctx<'_, '_>, g: &Group) -> String {
    let head = g.sig.as_slice();
    let mut forms: Vec<FxHashMap<String, u32>> = vec![FxHashMap::default(); head.len()];
    let mut orders: FxHashMap<Vec<u32>, u32> = FxHashMap::default();
    let mut firsts: Vec<(usize, u32)> = Vec::new();
    for &i in &g.members {
        firsts.clear();
        let mut pos = 0usize;
        norm.for_each_token(ctx.keywords[i].keyword, |t| {
            if let Class::Term(temp) = t.class {
                let id = ctx.final_id(temp);
                if let Some(h) = head.iter().position(|&x| x == id) {
                    if !firsts.iter().any(|&(_, x)| x == id) {
                        firsts.push((pos, id));
                    }
                    *forms[h].entry(t.surface.to_owned()).or_insert(0) += 1;
                }
            }
            pos += 1;
        });
        if firsts.len() == head.len() {
            *orders
                .entry(firsts.iter().map(|&(_, id)| id).collect())
                .or_insert(0) += 1;
        }
    }
    let order: Vec<u32> = orders
        .into_iter()
        .min_by(|(a, ca), (b, cb)| cb.cmp(ca).then(a.cmp(b)))
        .map_or_else(|| head.to_vec(), |(o, _)| o);
    let words: Vec<String> = order
        .iter()
        .map(|id| {
            let h = head.iter().position(|x| x == id).unwrap_or(0);
            forms
                .get(h)
                .and_then(|f| {
                    f.iter()
                        .min_by(|(a, ca), (b, cb)| {
                            cb.cmp(ca)
                                .then(a.chars().count().cmp(&b.chars().count()))
                                .then(a.cmp(b))
                        })
                        .map(|(s, _)| s.clone())
                })
                .unwrap_or_else(|| ctx.text(norm, *id).to_owned())
        })
        .collect();
    let name = display(&words.join(" "));
    if name.is_empty() {
        UNTITLED.to_owned()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_round_trips_and_orders() {
        assert_eq!(unpack(pack(&[3])), [3]);
        assert_eq!(unpack(pack(&[3, 9])), [3, 9]);
        assert_eq!(unpack(pack(&[1, 2, u32::MAX])), [1, 2, u32::MAX]);
        assert_eq!(key_len(pack(&[5])), 1);
        assert_eq!(key_len(pack(&[5, 6])), 2);
        assert_eq!(key_len(pack(&[5, 6, 7])), 3);
        assert!(pack(&[1, 5]) < pack(&[2, 3]));
        assert!(pack(&[1, 2, 9]) < pack(&[1, 3, 4]));
    }

    #[test]
    fn subsets_of_sizes_one_to_three() {
        let mut n = 0;
        for_each_subset(
            &[1, 2, 3, 4, 5, 6, 7, 8],
            &[0, 1, 2, 3, 4, 5, 6, 7],
            |_, _| n += 1,
        );
        assert_eq!(n, 8 + 28 + 56);
        let mut keys = Vec::new();
        // Terms 1, 2, 3 appear in the order 3, 1, 2 ("c a b").
        for_each_subset(&[1, 2, 3], &[1, 2, 0], |k, p| keys.push((unpack(k), p)));
        assert_eq!(
            keys,
            [
                (vec![1], true),
                (vec![1, 2], true),
                (vec![1, 2, 3], true),
                (vec![1, 3], true),
                (vec![2], true),
                (vec![2, 3], false),
                (vec![3], true)
            ]
        );
    }

    #[test]
    fn display_collapses_and_cuts() {
        assert_eq!(display("  Kitchen \t faucet  "), "Kitchen faucet");
        assert_eq!(display(&"ab ".repeat(500)).chars().count(), MAX_NAME_CHARS);
        assert_eq!(display(""), "");
    }
}
