/** Tables of the pod surface (migration 0005). */
export {};
