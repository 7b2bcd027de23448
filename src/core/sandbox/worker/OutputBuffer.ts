// Collects one cell's printed lines. The hard cap protects the host from a runaway print loop; what the root
// model actually sees is cut much shorter later (truncateOutput).

export const OUTPUT_SAFETY_CAP_CHARS = 4 * 1024 * 1024;

export class OutputBuffer {
  private readonly parts: string[] = [];
  private size = 0;
  private droppedChars = 0;

  constructor(private readonly capChars: number = OUTPUT_SAFETY_CAP_CHARS) {}

  appendLine(line: string): void {
    const text = line + '\n';
    const room = this.capChars - this.size;
    if (text.length <= room) {
      this.parts.push(text);
      this.size += text.length;
      return;
    }
    if (room > 0) {
      this.parts.push(text.slice(0, room));
      this.size += room;
    }
    this.droppedChars += text.length - Math.max(room, 0);
  }

  text(): string {
    const body = this.parts.join('');
    if (this.droppedChars === 0) return body;
    return (
      body +
      `\n[output stopped at the ${this.capChars.toLocaleString('en-US')}-character safety cap; ` +
      `${this.droppedChars.toLocaleString('en-US')} more characters were printed and dropped]\n`
    );
  }
}
