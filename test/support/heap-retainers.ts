// What holds an object that should have been collected: a heap snapshot of a page, taken over
// CDP (HeapProfiler), and for each object asked about, its shortest retainer paths up to a
// GC root, each retainer with the edge that holds it. A leak check that fails says so with
// these paths, so a failure seen once in CI explains itself.
import type { CDPSession } from "playwright-core";

/** The parts of a V8 heap snapshot read here (`snapshot.meta` says how the flat arrays are laid out). */
interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** A snapshot as a graph: each node's edges out and in, and its distance from the root over strong edges. */
class HeapGraph {
  readonly #s: HeapSnapshot;
  readonly #nodeWidth: number;
  readonly #edgeWidth: number;
  // Where each field sits in a node's or an edge's run of numbers.
  readonly #at: { id: number; name: number; type: number; edgeType: number; edgeName: number; to: number };
  // The first edge of node i is edges[firstEdge[i] * edgeWidth] (the snapshot stores them in node order).
  readonly #firstEdge: Int32Array;
  readonly #distance: Int32Array;
  // The node that holds each edge.
  readonly #holder: Int32Array;
  // For each node, the edges that point at it, as edge indices.
  readonly #retainers: Int32Array;
  readonly #firstRetainer: Int32Array;

  constructor(snapshot: HeapSnapshot) {
    this.#s = snapshot;
    const { node_fields, edge_fields } = snapshot.snapshot.meta;
    this.#nodeWidth = node_fields.length;
    this.#edgeWidth = edge_fields.length;
    this.#at = {
      id: node_fields.indexOf("id"),
      name: node_fields.indexOf("name"),
      type: node_fields.indexOf("type"),
      edgeType: edge_fields.indexOf("type"),
      edgeName: edge_fields.indexOf("name_or_index"),
      to: edge_fields.indexOf("to_node"),
    };
    const count = snapshot.nodes.length / this.#nodeWidth;
    const edgeCountAt = node_fields.indexOf("edge_count");
    this.#firstEdge = new Int32Array(count + 1);
    for (let i = 0; i < count; i++) this.#firstEdge[i + 1] = (this.#firstEdge[i] ?? 0) + (snapshot.nodes[i * this.#nodeWidth + edgeCountAt] ?? 0);

    const edges = this.#firstEdge[count] ?? 0;
    this.#holder = new Int32Array(edges);
    for (let i = 0; i < count; i++) this.#holder.fill(i, this.#firstEdge[i], this.#firstEdge[i + 1]);
    // The edges into each node, grouped by node: counted, summed into offsets, then placed.
    const firstRetainer = new Int32Array(count + 1);
    for (let e = 0; e < edges; e++) {
      const to = this.#to(e);
      firstRetainer[to + 1] = (firstRetainer[to + 1] ?? 0) + 1;
    }
    for (let i = 0; i < count; i++) firstRetainer[i + 1] = (firstRetainer[i + 1] ?? 0) + (firstRetainer[i] ?? 0);
    const retainers = new Int32Array(edges);
    const next = firstRetainer.slice(0, count);
    for (let e = 0; e < edges; e++) {
      const to = this.#to(e);
      const slot = next[to] ?? 0;
      retainers[slot] = e;
      next[to] = slot + 1;
    }
    this.#firstRetainer = firstRetainer;
    this.#retainers = retainers;

    // Breadth first from the synthetic root (node 0) over strong edges: a weak edge (a WeakRef,
    // a WeakMap key) keeps nothing alive, so it is no part of a path that does.
    this.#distance = new Int32Array(count).fill(-1);
    this.#distance[0] = 0;
    const queue = new Int32Array(count);
    let tail = 1;
    for (let head = 0; head < tail; head++) {
      const node = queue[head] ?? 0;
      for (let e = this.#firstEdge[node] ?? 0; e < (this.#firstEdge[node + 1] ?? 0); e++) {
        const to = this.#to(e);
        if (this.#distance[to] !== -1 || this.#edgeType(e) === "weak") continue;
        this.#distance[to] = (this.#distance[node] ?? 0) + 1;
        queue[tail++] = to;
      }
    }
  }

  /** The node index of the object with heap snapshot id `id`, or -1. */
  nodeById(id: number): number {
    for (let i = 0; i * this.#nodeWidth < this.#s.nodes.length; i++) if (this.#s.nodes[i * this.#nodeWidth + this.#at.id] === id) return i;
    return -1;
  }

  /**
   * Up to `most` shortest paths from `node` up to a root, one through each of its nearest
   * distinct retainers, each as lines `name <-[edge]- retainer ...`; empty if nothing strong holds it.
   */
  pathsFrom(node: number, most: number): string[] {
    const first = this.#strongRetainers(node).sort((x, y) => this.#distanceOf(this.#from(x)) - this.#distanceOf(this.#from(y)));
    const paths = first.map((edge) => {
      const steps = [this.#describeNode(node)];
      for (let e: number | undefined = edge; e !== undefined; ) {
        const holder = this.#from(e);
        steps.push(`<-[${this.#describeEdge(e)}]- ${this.#describeNode(holder)}`);
        // Nearer the root by one at each step: the path is a shortest one.
        e = this.#strongRetainers(holder).find((r) => this.#distanceOf(this.#from(r)) === this.#distanceOf(holder) - 1);
      }
      return steps.join(" ");
    });
    // Two edges from one holder (two handles on the node) make the same path: said once.
    return [...new Set(paths)].slice(0, most);
  }

  #strongRetainers(node: number): number[] {
    const found: number[] = [];
    for (let r = this.#firstRetainer[node] ?? 0; r < (this.#firstRetainer[node + 1] ?? 0); r++) {
      const edge = this.#retainers[r] ?? 0;
      const holder = this.#from(edge);
      // A C++ object and its JavaScript wrapper are one node, with an edge to itself: no path.
      if (this.#edgeType(edge) !== "weak" && holder !== node && this.#distanceOf(holder) >= 0) found.push(edge);
    }
    return found;
  }

  #distanceOf(node: number): number {
    return this.#distance[node] ?? -1;
  }

  #to(edge: number): number {
    return (this.#s.edges[edge * this.#edgeWidth + this.#at.to] ?? 0) / this.#nodeWidth;
  }

  #from(edge: number): number {
    return this.#holder[edge] ?? 0;
  }

  #edgeType(edge: number): string {
    return this.#s.snapshot.meta.edge_types[0][this.#s.edges[edge * this.#edgeWidth + this.#at.edgeType] ?? 0] ?? "?";
  }

  #describeEdge(edge: number): string {
    const type = this.#edgeType(edge);
    const nameOrIndex = this.#s.edges[edge * this.#edgeWidth + this.#at.edgeName] ?? 0;
    // Elements and hidden edges carry an index, the others a string.
    const name = type === "element" || type === "hidden" ? `[${nameOrIndex}]` : (this.#s.strings[nameOrIndex] ?? "?");
    return type === "property" || type === "element" ? name : `${type} ${name}`;
  }

  #describeNode(node: number): string {
    const field = (at: number): number => this.#s.nodes[node * this.#nodeWidth + at] ?? 0;
    const type = this.#s.snapshot.meta.node_types[0][field(this.#at.type)] ?? "?";
    const name = (this.#s.strings[field(this.#at.name)] || (node === 0 ? "(root)" : "?")).slice(0, 60);
    return `${type === "object" ? name : `${type} ${name}`} @${field(this.#at.id)}`;
  }
}

/** A heap snapshot of the page, as the JSON text CDP sends in chunks. */
async function takeSnapshot(cdp: CDPSession): Promise<string> {
  const chunks: string[] = [];
  const collect = ({ chunk }: { chunk: string }): void => void chunks.push(chunk);
  cdp.on("HeapProfiler.addHeapSnapshotChunk", collect);
  try {
    await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  } finally {
    cdp.off("HeapProfiler.addHeapSnapshotChunk", collect);
  }
  return chunks.join("");
}

/**
 * For each JavaScript expression in `targets` (each evaluated in the page to an object), the
 * shortest retainer paths of that object in a heap snapshot of the page (at most `most`), or
 * a note of why there are none. The handles taken to find the objects are released before the
 * snapshot, so they hold nothing.
 *
 * @example
 * ```ts
 * const cdp = await page.context().newCDPSession(page);
 * const [paths] = await retainerPaths(cdp, ["window.kept[0]"]);
 * // ["native RTCPeerConnection @7419 <-[[0]]- Array @85065 <-[kept]- Window [JSGlobalObject] / http://127.0.0.1:44319 @35039
 * //   <-[internal global_object]- native system / NativeContext / ... <-[[10]]- synthetic (GC roots) @3 <-[[1]]- synthetic (root) @1"]
 * ```
 */
export async function retainerPaths(cdp: CDPSession, targets: readonly string[], most = 3): Promise<string[][]> {
  await cdp.send("HeapProfiler.enable");
  const group = "heap-retainers";
  const handles: (string | undefined)[] = [];
  for (const expression of targets) handles.push((await cdp.send("Runtime.evaluate", { expression, objectGroup: group })).result.objectId);
  // V8 numbers the objects of its heap as it takes a snapshot: before the first, every id is 0.
  await takeSnapshot(cdp);
  const ids: (number | undefined)[] = [];
  for (const objectId of handles) ids.push(objectId === undefined ? undefined : Number((await cdp.send("HeapProfiler.getHeapObjectId", { objectId })).heapSnapshotObjectId));
  await cdp.send("Runtime.releaseObjectGroup", { objectGroup: group });
  const graph = new HeapGraph(JSON.parse(await takeSnapshot(cdp)) as HeapSnapshot);
  return ids.map((id) => {
    if (id === undefined) return ["(collected since it was counted)"];
    const node = graph.nodeById(id);
    if (node < 0) return ["(collected before the snapshot)"];
    const paths = graph.pathsFrom(node, most);
    return paths.length > 0 ? paths : ["(in the snapshot, but no strong path from a root)"];
  });
}
