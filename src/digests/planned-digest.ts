/** Who would get which papers: what a dry run of the planners reports. */
export interface PlannedDigest {
  readonly subscriptionId: number;
  readonly email: string;
  readonly paperIds: readonly string[];
}
