/** Who a component is within its graph: the node name and image written into `meta.requestPath`. */
export interface UnitIdentity {
  /** Graph node name (Seldon's PREDICTIVE_UNIT_ID). */
  id?: string;
  /** Container image or implementation name (Seldon's PREDICTIVE_UNIT_IMAGE). */
  image?: string;
}
