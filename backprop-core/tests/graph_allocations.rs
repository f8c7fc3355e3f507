//! The runtime graph allocates only when its arena grows: recording onto a graph made
//! with enough capacity allocates nothing, and the reverse sweep allocates its gradients
//! once. Counted with a global allocator, on the test's own thread only (the test
//! harness's threads allocate concurrently, and once in a while that was counted), and
//! this file holds this one test alone.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use backprop_core::{Graph, Var};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Whether this thread's allocations are counted: the test's alone.
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if COUNTED.with(Cell::get) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: the caller's contract is passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.load(Ordering::Relaxed)
}

fn inputs(g: &Graph) -> Vec<Var<'_>> {
    (0..10).map(|i| g.input("x", f64::from(i) / 10.0)).collect()
}

/// Rosenbrock of 10 inputs: 99 nodes, with operators, methods and constants.
fn rosenbrock<'g>(x: &[Var<'g>]) -> Var<'g> {
    let mut f = 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2);
    for i in 1..9 {
        f = f + (100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2));
    }
    f
}

#[test]
fn recording_allocates_only_when_the_arena_grows() {
    COUNTED.with(|counted| counted.set(true));
    let nodes = {
        let g = Graph::new();
        rosenbrock(&inputs(&g));
        g.len()
    };

    let g = Graph::with_capacity(nodes);
    let x = inputs(&g);
    let before = allocations();
    let f = rosenbrock(&x);
    assert_eq!(
        allocations() - before,
        0,
        "recording {nodes} nodes allocated"
    );
    assert_eq!(g.len(), nodes);

    let before = allocations();
    let grads = g.backward(f).unwrap();
    assert_eq!(
        allocations() - before,
        1,
        "backward allocates its gradients once"
    );
    assert!(grads[x[0]].is_finite());
}
