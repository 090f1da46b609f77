import {
  DataTypes,
  Model,
  type CreationOptional,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
  type NonAttribute,
  type Sequelize,
} from 'sequelize';
import type { Organization } from './organization';
import type { User } from './user';
import { uuidPrimaryKey } from './columns';

export const MEMBERSHIP_ROLES = ['owner', 'admin', 'member'] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

/** Table `memberships` (migration 20250301090300-createMemberships), the User <-> Organization join. */
export class Membership extends Model<InferAttributes<Membership>, InferCreationAttributes<Membership>> {
  declare id: CreationOptional<string>;
  declare userId: ForeignKey<User['id']>;
  declare organizationId: ForeignKey<Organization['id']>;
  declare role: CreationOptional<MembershipRole>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  declare user?: NonAttribute<User>;
  declare organization?: NonAttribute<Organization>;

  static initModel(sequelize: Sequelize): typeof Membership {
    Membership.init(
      {
        id: uuidPrimaryKey(),
        userId: {
          type: DataTypes.UUID,
          allowNull: false,
          unique: 'memberships_user_id_organization_id_key',
        },
        organizationId: {
          type: DataTypes.UUID,
          allowNull: false,
          unique: 'memberships_user_id_organization_id_key',
        },
        role: {
          type: DataTypes.ENUM(...MEMBERSHIP_ROLES),
          allowNull: false,
          defaultValue: 'member',
        },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      {
        sequelize,
        tableName: 'memberships',
        modelName: 'Membership',
        timestamps: true,
        underscored: true,
        // Column names: Sequelize sends a model index's fields as written, not through `underscored`.
        indexes: [{ name: 'memberships_organization_id_idx', fields: ['organization_id'] }],
      },
    );
    return Membership;
  }
}
