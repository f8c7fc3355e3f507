//! The teaching example, `out = (x + y) * z` at x = 100, y = 200, z = 4, computed three
//! ways: the nodes wired by hand, the runtime graph, and `grad!`. Prints the numbers side
//! by side and the unrolled chain rule, and writes the graph as SVG and DOT.
//!
//! Run with `cargo run --example seed`; pass a directory to write the pictures there
//! instead of `target/backprop-examples/`.

#[path = "common/output.rs"]
mod output;

use backprop::{grad, AddNode, Graph, MulNode};
use output::{output_dir, shown};

fn main() -> std::io::Result<()> {
    let (x, y, z) = (100.0, 200.0, 4.0);
    println!("out = (x + y) * z  at  x = {x}, y = {y}, z = {z}\n");

    // 1. By hand: one node per operation, `backward` called in the reverse order of
    //    `forward`, each node handing its argument gradients to the node before it.
    let mut add = AddNode::new();
    let mut mul = MulNode::new();
    let t = add.forward(x, y);
    let out = mul.forward(t, z);
    let (dt, dz) = mul.backward(1.0);
    let (dx, dy) = add.backward(dt);
    let by_hand = [t, out, dx, dy, dz];

    // 2. The runtime graph records the same two operations and sweeps them backward.
    let graph = Graph::new();
    let (gx, gy, gz) = (
        graph.input("x", x),
        graph.input("y", y),
        graph.input("z", z),
    );
    let gt = gx + gy;
    let gout = gt * gz;
    let grads = graph
        .backward(gout)
        .expect("the output belongs to this graph");
    let on_graph = [gt.value(), gout.value(), grads[gx], grads[gy], grads[gz]];

    // 3. `grad!` writes the same chain rule as straight-line code at compile time.
    let f = grad!((x + y) * z);
    let (value, pullback) = f.forward(x, y, z);
    let [gdx, gdy, gdz] = pullback.backward(1.0);
    // The generated code keeps t inside the pullback, where `d_z = dout * t0` reads it;
    // it is not part of its API, so that cell stays empty.
    let generated = [None, Some(value), Some(gdx), Some(gdy), Some(gdz)];

    println!(
        "{:<22}{:>14}{:>15}{:>10}",
        "", "nodes by hand", "runtime graph", "grad!"
    );
    let rows = [
        "forward   t = x + y",
        "          out = t * z",
        "backward  dout/dx",
        "          dout/dy",
        "          dout/dz",
    ];
    for (k, label) in rows.iter().enumerate() {
        let generated = generated[k].map_or_else(|| "-".to_owned(), |v| v.to_string());
        println!(
            "{label:<22}{:>14}{:>15}{generated:>10}",
            by_hand[k], on_graph[k]
        );
    }
    assert_eq!(by_hand, on_graph, "the nodes and the graph disagree");
    assert_eq!(
        &by_hand[1..],
        [value, gdx, gdy, gdz],
        "the nodes and grad! disagree"
    );
    println!("\nall three agree: out = {value}, (dx, dy, dz) = ({gdx}, {gdy}, {gdz})");
    println!("`+` passes dout to both sides unchanged; `*` multiplies it by the other side.\n");

    println!("the chain rule as grad! unrolled it (f.derivation()):\n");
    print!("{}", f.derivation());
    println!("\nthe same steps with the numbers the generated code computed (f.trace(x, y, z)),");
    println!("as the teaching text works them by hand:\n");
    print!("{}", f.trace(x, y, z));

    let dir = output_dir();
    std::fs::create_dir_all(&dir)?;
    let svg = dir.join("seed.svg");
    let dot = dir.join("seed.dot");
    std::fs::write(&svg, graph.to_svg(Some(&grads)))?;
    std::fs::write(&dot, graph.to_dot(Some(&grads)))?;
    println!("\nthe graph with each node's value and gradient:");
    println!("  {}  (open it in a browser)", shown(&svg));
    let dot = shown(&dot);
    println!("  {dot}  (for Graphviz: dot -Tpng {dot} -o seed.png)");
    Ok(())
}
