// Chats in the editor's workspace storage: the history index, one entry per chat, the current chat, the cap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatStore, interruptedDetail, titleOf, type ChatRecord } from '../../../src/extension/chats/ChatStore';
import { ANSWER_SHOWN_CHARS } from '../../../src/protocol/messages';
import { MapMemento } from '../../support/MapMemento';

const chat = (id: string, updatedAt: number, exchanges = 1): ChatRecord => ({
  id, title: `chat ${id}`, createdAt: updatedAt, updatedAt, folder: { uri: 'file:///w', name: 'w' },
  exchanges: Array.from({ length: exchanges }, (_, i) => ({ id: `${id}.q${i + 1}`, question: 'q', status: 'done', answer: 'a', startedAt: updatedAt, traceFile: `${id}.q${i + 1}.rlm.jsonl` })),
});

test('saves and lists chats, newest first, with their folder; an empty chat is not saved', async () => {
  const memento = new MapMemento();
  const store = new ChatStore(memento);
  await store.save(chat('a', 1));
  await store.save(chat('b', 3));
  await store.save(chat('empty', 5, 0));
  await store.save({ ...chat('a', 4), title: 'renamed' });
  assert.deepEqual(store.history(), [{ id: 'a', title: 'renamed', updatedAt: 4, folder: 'w' }, { id: 'b', title: 'chat b', updatedAt: 3, folder: 'w' }]);
  assert.deepEqual(new ChatStore(memento).load('b'), chat('b', 3), 'another store over the same storage (a reload) reads it back');
  assert.equal(store.load('empty'), undefined);
  assert.equal(store.load('nope'), undefined);
});

test('past the cap the oldest chats go, and are returned so their traces can be deleted', async () => {
  const memento = new MapMemento();
  const store = new ChatStore(memento, { maxChats: 2 });
  assert.deepEqual(await store.save(chat('a', 1)), []);
  assert.deepEqual(await store.save(chat('b', 2)), []);
  const dropped = await store.save(chat('c', 3));
  assert.deepEqual(dropped.map((c) => c.id), ['a']);
  assert.deepEqual(dropped[0]!.exchanges.map((e) => e.traceFile), ['a.q1.rlm.jsonl']);
  assert.deepEqual(store.history().map((c) => c.id), ['c', 'b']);
  assert.equal(store.load('a'), undefined);
  assert.equal([...memento.values.keys()].filter((k) => k.startsWith('rlm.chat.v1/')).length, 2);
});

test('a question saved as running belonged to a closed window: it reads back cancelled', async () => {
  const store = new ChatStore(new MapMemento());
  const record = chat('a', 1, 2);
  record.exchanges[1]!.status = 'running';
  await store.save(record);
  const loaded = store.load('a')!;
  assert.deepEqual(loaded.exchanges.map((e) => e.status), ['done', 'cancelled']);
  assert.equal(loaded.exchanges[1]!.detail, interruptedDetail());
  assert.equal(loaded.exchanges[1]!.traceFile, 'a.q2.rlm.jsonl', 'its trace still opens');
});

test('the current chat, and what storage from elsewhere cannot break', async () => {
  const memento = new MapMemento();
  const store = new ChatStore(memento);
  assert.equal(store.currentId(), undefined);
  await store.setCurrent('b');
  assert.equal(store.currentId(), 'b');
  await memento.update('rlm.chats.v1', 'garbage');
  assert.deepEqual(store.history(), []);
  await memento.update('rlm.chat.v1/x', { id: 'x' });
  assert.equal(store.load('x'), undefined);
});

test('titles: the first line of the first question, shortened', () => {
  assert.equal(titleOf('  Where is the config parsed?\nAnd validated?'), 'Where is the config parsed?');
  assert.equal(titleOf('x'.repeat(200)).length, 80);
  assert.ok(titleOf('x'.repeat(200)).endsWith('…'));
  assert.equal(titleOf('\n\n'), 'Untitled question');
});

test('a chat stored by an earlier version: a huge answer comes back cut to what the chat keeps, an error detail cut of credential shapes', async () => {
  const memento = new MapMemento();
  const record = chat('a', 1, 2);
  record.exchanges[0]!.answer = 'row\n'.repeat(300_000);
  record.exchanges[1] = { ...record.exchanges[1]!, status: 'error', answer: undefined, detail: `The server said: bad key sk-proj-${'x'.repeat(40)}` };
  await memento.update('rlm.chat.v1/a', record);
  const loaded = new ChatStore(memento).load('a')!;
  assert.equal(loaded.exchanges[0]!.answerChars, 1_200_000);
  assert.ok(loaded.exchanges[0]!.answer!.length <= ANSWER_SHOWN_CHARS);
  assert.equal(loaded.exchanges[1]!.detail, 'The server said: bad key [redacted]');
});

test('clear: every chat goes, one stored without its entry in the index too; returned so their files can go', async () => {
  const memento = new MapMemento();
  const store = new ChatStore(memento);
  await store.save(chat('a', 1));
  await store.save(chat('b', 2));
  await memento.update('rlm.chat.v1/stray', chat('stray', 3));
  await store.setCurrent('b');
  await memento.update('other.extension.key', 1);
  const cleared = await store.clear();
  assert.deepEqual(cleared.map((c) => c.id).sort(), ['a', 'b', 'stray']);
  assert.deepEqual(store.history(), []);
  assert.equal(store.currentId(), undefined);
  assert.deepEqual([...memento.values.keys()], ['other.extension.key'], 'only what is not the chats\' stays');
  assert.deepEqual(await store.clear(), []);
});
