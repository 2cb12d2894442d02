// cdktf records a creation stack for every token it makes (a stack trace at unlimited depth, formatted frame by
// frame), and shows it only when that token fails to resolve. Under jest, with its deep stacks, that recording
// was a third of a construct test's time; the tests never read it, so it is not recorded here. The app command
// (and so `cdktf synth`) keeps it.
require("cdktf/lib/tokens/private/stack-trace").captureStackTrace = () => [];
