import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { LocalDateScalar, RupiahScalar } from './scalars.js';

// GraphQL shapes of "Transparency" (issue 11): public, so aggregates only.

@ObjectType('KitchenScorecard', { description: "Public: no sign-in, no single offer's price" })
export class KitchenScorecardType {
  @Field(() => LocalDateScalar) from: string;
  @Field(() => LocalDateScalar) to: string;
  @Field(() => RupiahScalar, {
    nullable: true,
    description: 'Accepted value / portions; null without portions',
  })
  costPerPortion: bigint | null;
  @Field(() => Float, { description: 'Accepted value from OWN or UMKM-consigned stock / all accepted value' })
  localShare: number;
  @Field(() => Int, { description: 'Cooperatives with accepted goods in the period' })
  distinctSuppliers: number;
  @Field(() => Float, { description: 'Accepted / demanded quantity' }) fillRate: number;
  @Field(() => Float, { description: 'Orders received by their deadline / orders received' })
  onTimeRate: number;
  kitchenId: string;
}
