// cdktf records a creation stack for every token it makes (Error.captureStackTrace into a plain object, at
// unlimited depth). Jest maps every frame of every stack through source maps, which made that recording a
// third of a construct test's time. Only errors are worth mapping: a captured creation stack keeps V8's
// own format, as it has outside jest.
const mapFrames = Error.prepareStackTrace;

Error.prepareStackTrace = (error, frames) => {
  if (Object.prototype.toString.call(error) === "[object Error]") return mapFrames(error, frames);
  return [String(error), ...frames.map((frame) => `    at ${frame}`)].join("\n");
};
