/** The Node.js options the image and the chart's default values run the operator with (Dockerfile ENV, values heapLimitMb): the bench measures them. */
export const OPERATOR_NODE_OPTIONS = '--max-old-space-size=128 --max-semi-space-size=4';
