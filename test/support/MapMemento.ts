// The editor's Memento (global state) in memory for tests of modules without `vscode`: values are stored as JSON,
// like the editor's storage, so nothing is shared by reference.
import type { Memento } from '../../src/extension/chats/ChatStore';

export class MapMemento implements Memento {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    const value = this.values.get(key);
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.parse(JSON.stringify(value)));
  }
}
